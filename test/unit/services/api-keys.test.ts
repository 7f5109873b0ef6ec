import { describe, expect, it } from 'vitest';
import { createApiKeyService } from '../../../src/services/api-keys.js';
import type { ApiKeyRow } from '../../../src/store/api-key-repo.js';

const NOW = Date.UTC(2026, 0, 1);

/**
 * The service over an in-memory table whose transactions commit at once but (with `hold`)
 * answer only when the test says: what a database under load does, and how another request's change can land
 * between a write and the code that follows it.
 */
function serviceWithHeldCommits(hold = true) {
  const table = new Map<string, ApiKeyRow>();
  const apiKeys = {
    insert: async (row: ApiKeyRow) => void table.set(row.id, row),
    lockById: async (id: string) => table.get(id),
    revoke: async (id: string, at: number) => {
      const row = table.get(id)!;
      if (row.revokedAt === null) table.set(id, { ...row, revokedAt: at });
    },
    rotate: async (id: string, next: Partial<ApiKeyRow>, previous: { keyHash: string } | null) =>
      void table.set(id, { ...table.get(id)!, ...next, previousKeyHash: previous?.keyHash ?? null }),
    touch: async () => {},
  };
  const held: (() => void)[] = [];
  const keys = createApiKeyService({
    store: {
      repos: { apiKeys } as never,
      transaction: async (work) => {
        const result = await work({ apiKeys } as never);
        if (hold) await new Promise<void>((resolve) => held.push(resolve));
        return result;
      },
    },
    stored: [],
    now: () => NOW,
    adminKey: 'admin-key-0123456789abcdef',
    hmacSecret: 'test-hmac-secret',
    defaultRateLimitPerSecond: 1000,
    groupExists: () => true,
  });
  const settle = async () => {
    for (let i = 0; i < 10; i++) await null;
  };
  return { keys, table, held, settle };
}

describe('a key changed by two requests at once', () => {
  it('stays revoked when a rotation committed before the revocation answers after it', async () => {
    const { keys, table, held, settle } = serviceWithHeldCommits();
    const created = await keys.create({ name: 'p', groupIds: ['grp_a'] });
    expect(await keys.authenticate(created.key)).not.toBeNull();

    const rotating = keys.rotate(created.id, 600);
    await settle();
    expect(held).toHaveLength(1); // the rotation is committed, its answer held back
    await keys.revoke(created.id);
    held[0]!();
    const rotated = await rotating;

    expect(table.get(created.id)!.revokedAt).toBe(NOW);
    expect(keys.get(created.id).revokedAt).toBe(new Date(NOW).toISOString());
    expect(await keys.authenticate(created.key)).toBeNull();
    expect(await keys.authenticate(rotated.key)).toBeNull();
  });

  it('refuses to rotate a key the store says is revoked, though memory has not heard yet', async () => {
    const { keys, table } = serviceWithHeldCommits(false);
    const created = await keys.create({ name: 'p', groupIds: ['grp_a'] });
    // Revoked by another writer (another node): only the store knows.
    table.set(created.id, { ...table.get(created.id)!, revokedAt: NOW });
    await expect(keys.rotate(created.id, 0)).rejects.toMatchObject({ code: 'api_key_inactive' });
  });
});
