import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { ApiKeyRow, StoredSecret } from '../store/api-key-repo.js';

/** What an admin sees of a key: never its secret. */
export interface ApiKeyView {
  id: string;
  name: string;
  groupIds: string[];
  /** The key's first characters; null for a key issued before prefixes were kept, until its first use. */
  prefix: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt?: string;
  expiresAt?: string;
  rateLimitPerSecond: number;
}

/** `sk_` and four characters of the secret: enough to tell keys apart, nothing to guess with. */
const PREFIX_LENGTH = 'sk_'.length + 4;

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

/** The legacy digest (SHA-256, unkeyed) of keys issued before the keyed hash. */
export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** Keyed digests (HMAC-SHA256 under the server's secret) and new secrets stored that way. */
export function keyHasher(hmacSecret: string | Buffer) {
  const keyed = (key: string) => createHmac('sha256', hmacSecret).update(key).digest();
  /** How a presented key is stored: its keyed digest and its prefix. */
  const storedAs = (key: string, digest: Buffer = keyed(key)): StoredSecret & { prefix: string } => ({
    keyHash: digest.toString('hex'),
    hashScheme: 'hmac-sha256',
    prefix: key.slice(0, PREFIX_LENGTH),
  });
  return {
    keyed,
    storedAs,
    newSecret() {
      const key = `sk_${randomBytes(24).toString('base64url')}`;
      return { key, ...storedAs(key) };
    },
  };
}

export function toApiKeyView(
  row: ApiKeyRow,
  lastUsedAt: number | null,
  defaultRateLimitPerSecond: number,
): ApiKeyView {
  const revokedAt = iso(row.revokedAt);
  const expiresAt = iso(row.expiresAt);
  return {
    id: row.id,
    name: row.name,
    groupIds: row.groupIds,
    prefix: row.prefix,
    createdAt: new Date(row.createdAt).toISOString(),
    lastUsedAt: iso(lastUsedAt) ?? null,
    ...(revokedAt ? { revokedAt } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    rateLimitPerSecond: row.rateLimitPerSecond ?? defaultRateLimitPerSecond,
  };
}
