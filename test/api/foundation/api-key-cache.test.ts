import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApiKeyService, TOKEN_CACHE_LIMIT } from '../../../src/services/api-keys.js';
import type { ApiKeyRow } from '../../../src/store/api-key-repo.js';

const ADMIN = 'admin-key-0123456789abcdef';

/** The service over an in-memory repository (the raw-key cache is the service's own). */
function service(rows: ApiKeyRow[] = []) {
  const stored = [...rows];
  const apiKeys = { insert: async (row: ApiKeyRow) => void stored.push(row), touch: async () => {} };
  const keys = createApiKeyService({
    store: { repos: { apiKeys } as never, transaction: (work) => work({ apiKeys } as never) },
    stored,
    now: () => Date.UTC(2026, 0, 1),
    adminKey: ADMIN,
    hmacSecret: 'test-hmac-secret',
    defaultRateLimitPerSecond: 1000,
    groupExists: async () => true,
  });
  return { keys, stored };
}

describe('authenticate, with keys remembered by their raw text', () => {
  it('answers the same principal on the first and on later requests', async () => {
    const { keys } = service();
    const partner = await keys.create({ name: 'p', groupIds: ['grp_a'] });
    for (let i = 0; i < 3; i++) {
      expect((await keys.authenticate(ADMIN))?.kind).toBe('admin');
      const principal = await keys.authenticate(partner.key);
      expect(principal).toMatchObject({ kind: 'partner', id: partner.id });
      expect(principal?.canSee('grp_a')).toBe(true);
      expect(principal?.canSee('grp_b')).toBe(false);
    }
  });

  it('still refuses unknown keys and near misses of cached ones, however often they are tried', async () => {
    const { keys } = service();
    const partner = await keys.create({ name: 'p', groupIds: ['grp_a'] });
    expect(await keys.authenticate(partner.key)).not.toBeNull();
    expect(await keys.authenticate(ADMIN)).not.toBeNull();
    const nearMisses = [
      `${partner.key}x`,
      partner.key.slice(0, -1),
      partner.key.toUpperCase(),
      ` ${partner.key}`,
      `${ADMIN}0`,
      ADMIN.slice(1),
      '',
    ];
    for (let round = 0; round < 3; round++) {
      for (const key of nearMisses) expect(await keys.authenticate(key)).toBeNull();
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 64 }), async (key) => {
        if (key === ADMIN || key === partner.key) return;
        expect(await keys.authenticate(key)).toBeNull();
        expect(await keys.authenticate(key)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('accepts a key created after the cache was filled, and keys loaded at start', async () => {
    const first = service();
    const early = await first.keys.create({ name: 'early', groupIds: ['grp_a'] });
    expect((await first.keys.authenticate(early.key))?.id).toBe(early.id);
    const late = await first.keys.create({ name: 'late', groupIds: ['grp_b'] });
    expect((await first.keys.authenticate(late.key))?.id).toBe(late.id);
    expect((await first.keys.authenticate(early.key))?.id).toBe(early.id);
    // A restart reads the stored digests: the same keys authenticate, others do not.
    const restarted = service(first.stored).keys;
    expect((await restarted.authenticate(early.key))?.id).toBe(early.id);
    expect((await restarted.authenticate(late.key))?.id).toBe(late.id);
    expect(await restarted.authenticate(`${late.key}x`)).toBeNull();
  });

  it('stays correct past its bound', async () => {
    const { keys } = service();
    const created = [];
    for (let i = 0; i < TOKEN_CACHE_LIMIT + 5; i++) {
      created.push(await keys.create({ name: `k${i}`, groupIds: [`grp_${i}`] }));
    }
    // Every key authenticates once (the cache overflows and starts again), then again.
    for (const k of created) expect((await keys.authenticate(k.key))?.id).toBe(k.id);
    for (const k of [...created.slice(0, 10), ...created.slice(-10)]) {
      expect((await keys.authenticate(k.key))?.id).toBe(k.id);
      expect(await keys.authenticate(`${k.key}!`)).toBeNull();
    }
  });
});
