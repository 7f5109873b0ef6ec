import { timingSafeEqual } from 'node:crypto';
import type { KeyHashScheme } from '../../db/sqlite/schema.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { ApiKeyRow, StoredSecret } from '../store/api-key-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { AppStore, Repositories } from '../store/repositories.js';
import { type ApiKeyView, hashKey, keyHasher, toApiKeyView } from './api-key-secrets.js';

export type { ApiKeyView } from './api-key-secrets.js';

interface PrincipalBase {
  /** Requests a second this key may send (per node); absent: unthrottled. */
  readonly rateLimitPerSecond?: number;
  canSee(groupId: string): boolean;
}
export type Principal =
  | (PrincipalBase & { kind: 'admin'; id: 'admin' })
  | (PrincipalBase & { kind: 'partner'; id: string; groupIds: ReadonlySet<string> });

/** How many keys that authenticated are remembered by their raw text (see `authenticate`). */
export const TOKEN_CACHE_LIMIT = 10_000;
/** How often the times keys were last used are written (and at close). */
export const USAGE_FLUSH_MS = 5_000;
const NEVER = Number.POSITIVE_INFINITY;

/** A secret that authenticates a principal until `validUntil` (wall clock, ms). */
interface Credential {
  readonly principal: Principal;
  readonly validUntil: number;
  /** Shared by a key's secrets; written on every use, flushed to the store now and then. */
  readonly usage: { lastUsedAt: number | null };
}

interface KeyEntry {
  row: ApiKeyRow;
  usage: Credential['usage'];
  indexed: [KeyHashScheme, string][];
}

/**
 * API keys. Keys are stored as HMAC-SHA256 digests keyed with the server's secret (a stolen
 * database alone cannot check guesses) and held in memory by digest, so that authenticating
 * costs one HMAC and one map read, never SQL; the final comparison is constant-time. Keys
 * issued before the keyed hash (plain SHA-256 digests) still authenticate and are rehashed at
 * their first use.
 *
 * On the routing hot path even the hash shows (about 1 µs of a request's CPU), so a key that
 * has authenticated is remembered by its raw text in a bounded map: the next request with it
 * costs one map read and one comparison of its expiry with the wall clock. Only keys that
 * authenticated go in (an unknown key is hashed and refused every time, so guessing fills
 * nothing), and the map is dropped whenever a key is created, revoked or rotated, so a key taken
 * away can never answer from it.
 *
 * Every time of a key (creation, expiry, rotation grace, last use) is on the wall clock, not the
 * service clock: moving a simulated clock ahead must not lock partners out (README).
 *
 * The maps change only once the store has committed the change they reflect, and a change is
 * applied to the key's row as held then (not as read before the write): a revocation and a
 * rotation at once both land, in memory as in the store, and a revoked key never comes back.
 */
export function createApiKeyService(deps: {
  store: { repos: Pick<Repositories, 'apiKeys'>; transaction: AppStore['transaction'] };
  /** Every stored key, read at start. */
  stored: readonly ApiKeyRow[];
  /** The wall clock (ms); tests inject one. */
  now: () => number;
  adminKey: string;
  hmacSecret: string | Buffer;
  defaultRateLimitPerSecond: number;
  adminRateLimitPerSecond?: number | undefined;
  groupExists: (groupId: string) => boolean | Promise<boolean>;
  /** Failures of the periodic write of last-use times. */
  onError?: (error: unknown) => void;
}) {
  const { store, now } = deps;
  const repo = store.repos.apiKeys;
  const { keyed, storedAs, newSecret } = keyHasher(deps.hmacSecret);
  const adminDigest = keyed(deps.adminKey);
  const admin: Credential = {
    principal: {
      kind: 'admin',
      id: 'admin',
      canSee: () => true,
      ...(deps.adminRateLimitPerSecond === undefined
        ? {}
        : { rateLimitPerSecond: deps.adminRateLimitPerSecond }),
    },
    validUntil: NEVER,
    usage: { lastUsedAt: null },
  };
  /** Hex digest → secret, one map per hash scheme. */
  const secrets: Record<KeyHashScheme, Map<string, { digest: Buffer; credential: Credential }>> = {
    'hmac-sha256': new Map(),
    sha256: new Map(),
  };
  /** Key id → its row (as stored), the usage its credentials share, and its indexed secrets. */
  const keys = new Map<string, KeyEntry>();
  /** Raw key → credential, for keys that authenticated since the key set last changed. */
  const byToken = new Map<string, Credential>();

  /** (Re)indexes a key's secrets after any change to its row. */
  const index = (row: ApiKeyRow) => {
    const known = keys.get(row.id);
    for (const [scheme, hex] of known?.indexed ?? []) secrets[scheme].delete(hex);
    byToken.clear();
    const entry: KeyEntry = { row, usage: known?.usage ?? { lastUsedAt: row.lastUsedAt }, indexed: [] };
    keys.set(row.id, entry);
    if (row.revokedAt !== null) return;
    const scope = new Set(row.groupIds);
    const principal: Principal = {
      kind: 'partner',
      id: row.id,
      groupIds: scope,
      rateLimitPerSecond: row.rateLimitPerSecond ?? deps.defaultRateLimitPerSecond,
      canSee: (groupId) => scope.has(groupId),
    };
    const expiry = row.expiresAt ?? NEVER;
    const add = (secret: StoredSecret, validUntil: number) => {
      secrets[secret.hashScheme].set(secret.keyHash, {
        digest: Buffer.from(secret.keyHash, 'hex'),
        credential: { principal, validUntil, usage: entry.usage },
      });
      entry.indexed.push([secret.hashScheme, secret.keyHash]);
    };
    add(row, expiry);
    if (row.previousKeyHash !== null && row.previousValidUntil !== null && row.previousValidUntil > now()) {
      add(
        { keyHash: row.previousKeyHash, hashScheme: row.previousHashScheme ?? 'sha256' },
        Math.min(expiry, row.previousValidUntil),
      );
    }
  };
  for (const row of deps.stored) index(row);
  /** Applies a committed change to the key's row as held now. */
  const applyCommitted = (id: string, change: Partial<ApiKeyRow>) => {
    const current = keys.get(id)?.row;
    if (current !== undefined) index({ ...current, ...change });
  };

  const lookup = (scheme: KeyHashScheme, digest: Buffer) => {
    const entry = secrets[scheme].get(digest.toString('hex'));
    return entry && timingSafeEqual(entry.digest, digest) ? entry.credential : null;
  };

  const verify = async (key: string): Promise<Credential | null> => {
    const digest = keyed(key);
    if (timingSafeEqual(digest, adminDigest)) return admin;
    const credential = lookup('hmac-sha256', digest);
    if (credential !== null || secrets.sha256.size === 0) return credential;
    const legacyDigest = hashKey(key);
    const legacy = lookup('sha256', legacyDigest);
    const stored = legacy && keys.get(legacy.principal.id)?.row;
    // A legacy current secret, just shown to us: store its keyed digest from now on.
    if (stored && stored.hashScheme === 'sha256' && stored.keyHash === legacyDigest.toString('hex')) {
      const next = storedAs(key, digest);
      await repo.rehash(stored.id, stored.keyHash, next);
      // Unless a rotation or a revocation landed meanwhile (the store kept theirs).
      const current = keys.get(stored.id)?.row;
      if (current?.keyHash === stored.keyHash) index({ ...current, ...next });
      return lookup('hmac-sha256', digest) ?? lookup('sha256', legacyDigest);
    }
    return legacy;
  };

  const view = ({ row, usage }: Pick<KeyEntry, 'row' | 'usage'>): ApiKeyView => {
    const lastUsedAt = Math.max(row.lastUsedAt ?? 0, usage.lastUsedAt ?? 0);
    return toApiKeyView(row, lastUsedAt === 0 ? null : lastUsedAt, deps.defaultRateLimitPerSecond);
  };
  const existing = (id: string) => {
    const key = keys.get(id);
    if (!key) throw new AppError('not_found', `no API key ${id}`);
    return key;
  };

  const flushUsage = async () => {
    const uses: { id: string; lastUsedAt: number }[] = [];
    for (const key of keys.values()) {
      const used = key.usage.lastUsedAt;
      if (used !== null && used !== key.row.lastUsedAt) uses.push({ id: key.row.id, lastUsedAt: used });
    }
    if (uses.length === 0) return;
    await repo.touch(uses);
    // Written: not to be written again. Had the write failed, the next flush would retry it.
    for (const use of uses) {
      const key = keys.get(use.id);
      if (key !== undefined) key.row = { ...key.row, lastUsedAt: use.lastUsedAt };
    }
  };
  const flusher = setInterval(() => {
    flushUsage().catch((error: unknown) => deps.onError?.(error));
  }, USAGE_FLUSH_MS);
  flusher.unref();

  /**
   * The principal of a key remembered from an earlier request (the hot path: one map read
   * and one comparison with the wall clock); null if it has expired since, undefined if the
   * key is not remembered (then `authenticate` hashes it).
   */
  const recall = (key: string): Principal | null | undefined => {
    const known = byToken.get(key);
    if (known === undefined) return undefined;
    const at = now();
    if (at < known.validUntil) {
      known.usage.lastUsedAt = at;
      return known.principal;
    }
    byToken.delete(key);
    return null;
  };

  return {
    recall,

    /** Any key: one remembered answers from memory; another may wait for the store (a legacy digest rewritten). */
    async authenticate(key: string): Promise<Principal | null> {
      const known = recall(key);
      if (known !== undefined) return known;
      const credential = await verify(key);
      const at = now();
      if (credential === null || at >= credential.validUntil) return null;
      // Bounded: past the limit, start again rather than track recency on the hot path.
      if (byToken.size >= TOKEN_CACHE_LIMIT) byToken.clear();
      byToken.set(key, credential);
      credential.usage.lastUsedAt = at;
      return credential.principal;
    },

    async create(input: {
      name: string;
      groupIds: string[];
      expiresAt?: number | undefined;
      rateLimitPerSecond?: number | undefined;
    }): Promise<ApiKeyView & { key: string }> {
      const unknown: string[] = [];
      for (const groupId of input.groupIds) if (!(await deps.groupExists(groupId))) unknown.push(groupId);
      if (unknown.length > 0) {
        throw new AppError(
          'validation_failed',
          `unknown group ids: ${unknown.join(', ')}`,
          unknown.map((groupId) => ({
            path: `groupIds.${input.groupIds.indexOf(groupId)}`,
            message: `no group ${groupId}`,
          })),
        );
      }
      const createdAt = now();
      if (input.expiresAt !== undefined && input.expiresAt <= createdAt) {
        throw new AppError('validation_failed', 'expiresAt must be in the future', [
          { path: 'expiresAt', message: 'must be later than now (wall clock)' },
        ]);
      }
      const { key, ...secret } = newSecret();
      const row: ApiKeyRow = {
        id: newId('key'),
        name: input.name,
        ...secret,
        groupIds: [...new Set(input.groupIds)],
        createdAt,
        lastUsedAt: null,
        revokedAt: null,
        expiresAt: input.expiresAt ?? null,
        rateLimitPerSecond: input.rateLimitPerSecond ?? null,
        previousKeyHash: null,
        previousHashScheme: null,
        previousValidUntil: null,
      };
      await repo.insert(row);
      index(row);
      return { ...view(keys.get(row.id)!), key };
    },

    async list(page: PageRequest): Promise<Page<ApiKeyView>> {
      return toPage(await repo.page(page), page.limit, (row) =>
        // A key committed but not yet in memory (created just now) has no unwritten use.
        view({ row, usage: keys.get(row.id)?.usage ?? { lastUsedAt: row.lastUsedAt } }),
      );
    },

    get: (id: string): ApiKeyView => view(existing(id)),

    /** From now on the key is refused; revoking twice changes nothing. */
    async revoke(id: string): Promise<void> {
      if (existing(id).row.revokedAt !== null) return;
      const revokedAt = now();
      await repo.revoke(id, revokedAt);
      // A concurrent revocation may have landed first: its time stays, as in the store.
      if (existing(id).row.revokedAt === null) applyCommitted(id, { revokedAt });
    },

    /**
     * A new secret at once; the current one keeps working for `graceSeconds` (wall clock). The
     * key is checked as stored, in the transaction that rotates it: a key revoked meanwhile is
     * not given a new secret.
     */
    async rotate(
      id: string,
      graceSeconds: number,
    ): Promise<{ id: string; key: string; prefix: string; previousValidUntil: string | null }> {
      existing(id);
      const at = now();
      const { key, ...next } = newSecret();
      const previous = await store.transaction(async (tx) => {
        const row = await tx.apiKeys.lockById(id);
        if (row === undefined) throw new AppError('not_found', `no API key ${id}`);
        if (row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= at)) {
          throw new AppError(
            'api_key_inactive',
            `API key ${id} is ${row.revokedAt !== null ? 'revoked' : 'expired'}`,
          );
        }
        const kept =
          graceSeconds > 0
            ? {
                keyHash: row.keyHash,
                hashScheme: row.hashScheme,
                validUntil: Math.min(at + graceSeconds * 1000, row.expiresAt ?? NEVER),
              }
            : null;
        await tx.apiKeys.rotate(id, next, kept);
        return kept;
      });
      applyCommitted(id, {
        ...next,
        previousKeyHash: previous?.keyHash ?? null,
        previousHashScheme: previous?.hashScheme ?? null,
        previousValidUntil: previous?.validUntil ?? null,
      });
      return {
        id,
        key,
        prefix: next.prefix,
        previousValidUntil: previous ? new Date(previous.validUntil).toISOString() : null,
      };
    },

    /** Writes the pending last-use times and stops the periodic flush (app close). */
    async stop(): Promise<void> {
      clearInterval(flusher);
      await flushUsage();
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
