import { describe, expect, it } from 'vitest';
import { apiKeys } from '../../../../db/postgres/schema.js';
import type { NewApiKeyRow } from '../../../../src/store/api-key-repo.js';
import { isUniqueViolation } from '../../../../src/store/constraint-errors.js';
import { createPostgresApiKeyRepo } from '../../../../src/store/postgres/api-key-repo.js';
import { BACKENDS } from '../../../helpers/backends.js';
import { expectSecondLockWaits } from '../../../helpers/lock-wait.js';
import { repositoryBackends } from '../../../helpers/repository-backends.js';

const backends = repositoryBackends((ex) => ({ apiKeys: createPostgresApiKeyRepo(ex) }), [apiKeys]);

function key(id: string, overrides: Partial<NewApiKeyRow> = {}): NewApiKeyRow {
  return {
    id,
    name: `key ${id}`,
    keyHash: `hash-${id}`,
    hashScheme: 'hmac-sha256',
    prefix: `sk_${id}`,
    groupIds: ['grp_1'],
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe.each(BACKENDS)('the API key repository on %s', (name) => {
  const backend = backends.backendFor(name);
  const repo = () => backend.store.repos.apiKeys;

  it('stores a key as given and reads it back, unset columns null', async () => {
    // JSON with quotes, wildcards and non-ASCII text goes in and out unchanged.
    const groupIds = ["grp_'quoted'", 'grp_%_', 'grp_集团'];
    await repo().insert(key('key_1', { groupIds, rateLimitPerSecond: 7, expiresAt: 4_102_444_800_000 }));
    expect(await repo().byId('key_1')).toEqual({
      id: 'key_1',
      name: 'key key_1',
      keyHash: 'hash-key_1',
      hashScheme: 'hmac-sha256',
      prefix: 'sk_key_1',
      groupIds,
      createdAt: 1_700_000_000_000,
      lastUsedAt: null,
      revokedAt: null,
      expiresAt: 4_102_444_800_000,
      rateLimitPerSecond: 7,
      previousKeyHash: null,
      previousHashScheme: null,
      previousValidUntil: null,
    });
    expect(await repo().byId('key_missing')).toBeUndefined();
  });

  it('defaults the hash scheme to the legacy one and the prefix to null', async () => {
    await repo().insert({ id: 'key_old', name: 'old', keyHash: 'h', groupIds: [], createdAt: 1 });
    expect(await repo().byId('key_old')).toMatchObject({ hashScheme: 'sha256', prefix: null, groupIds: [] });
  });

  it('refuses a second key with the same id or the same digest as a unique violation', async () => {
    await repo().insert(key('key_1'));
    const sameId = await repo()
      .insert(key('key_1', { keyHash: 'other' }))
      .catch((error: unknown) => error);
    const sameHash = await repo()
      .insert(key('key_2', { keyHash: 'hash-key_1' }))
      .catch((error: unknown) => error);
    expect(isUniqueViolation(sameId)).toBe(true);
    expect(isUniqueViolation(sameHash)).toBe(true);
    expect((await repo().all()).map((row) => row.id)).toEqual(['key_1']);
  });

  it('lists every key by id, in byte order (upper case before lower)', async () => {
    for (const id of ['key_b', 'key_B', 'key_a', 'key_A', 'key_10', 'key_9']) await repo().insert(key(id));
    expect((await repo().all()).map((row) => row.id)).toEqual([
      'key_10',
      'key_9',
      'key_A',
      'key_B',
      'key_a',
      'key_b',
    ]);
  });

  it('pages by id after the cursor, limit + 1 rows', async () => {
    for (const id of ['key_3', 'key_1', 'key_5', 'key_2', 'key_4']) await repo().insert(key(id));
    const ids = async (page: { limit: number; cursor?: string }) =>
      (await repo().page(page)).map((row) => row.id);
    expect(await ids({ limit: 2 })).toEqual(['key_1', 'key_2', 'key_3']);
    expect(await ids({ limit: 2, cursor: 'key_2' })).toEqual(['key_3', 'key_4', 'key_5']);
    expect(await ids({ limit: 2, cursor: 'key_4' })).toEqual(['key_5']);
    expect(await ids({ limit: 2, cursor: 'key_5' })).toEqual([]);
    // A cursor need not be an id: the rows after it.
    expect(await ids({ limit: 10, cursor: 'key_25' })).toEqual(['key_3', 'key_4', 'key_5']);
  });

  it('revokes once: the first revocation time stays', async () => {
    await repo().insert(key('key_1'));
    await repo().revoke('key_1', 100);
    await repo().revoke('key_1', 200);
    await repo().revoke('key_missing', 300);
    expect(await repo().byId('key_1')).toMatchObject({ revokedAt: 100 });
  });

  it('rotates to a new secret, keeping the previous one until a time or not at all', async () => {
    await repo().insert(key('key_1'));
    await repo().rotate(
      'key_1',
      { keyHash: 'new-1', hashScheme: 'hmac-sha256', prefix: 'sk_new1' },
      { keyHash: 'hash-key_1', hashScheme: 'hmac-sha256', validUntil: 5_000 },
    );
    expect(await repo().byId('key_1')).toMatchObject({
      keyHash: 'new-1',
      prefix: 'sk_new1',
      previousKeyHash: 'hash-key_1',
      previousHashScheme: 'hmac-sha256',
      previousValidUntil: 5_000,
    });
    await repo().rotate('key_1', { keyHash: 'new-2', hashScheme: 'hmac-sha256', prefix: 'sk_new2' }, null);
    expect(await repo().byId('key_1')).toMatchObject({
      keyHash: 'new-2',
      previousKeyHash: null,
      previousHashScheme: null,
      previousValidUntil: null,
    });
  });

  it('rehashes a legacy digest only while it is still the current one', async () => {
    await repo().insert(key('key_1', { keyHash: 'legacy', hashScheme: 'sha256', prefix: null }));
    await repo().rehash('key_1', 'not-the-current', {
      keyHash: 'keyed-x',
      hashScheme: 'hmac-sha256',
      prefix: 'sk_x',
    });
    expect(await repo().byId('key_1')).toMatchObject({
      keyHash: 'legacy',
      hashScheme: 'sha256',
      prefix: null,
    });
    await repo().rehash('key_1', 'legacy', { keyHash: 'keyed', hashScheme: 'hmac-sha256', prefix: 'sk_k' });
    expect(await repo().byId('key_1')).toMatchObject({
      keyHash: 'keyed',
      hashScheme: 'hmac-sha256',
      prefix: 'sk_k',
    });
  });

  it('records last uses of several keys; an empty batch changes nothing', async () => {
    await repo().insert(key('key_1'));
    await repo().insert(key('key_2'));
    await repo().touch([]);
    await repo().touch([
      { id: 'key_1', lastUsedAt: 10 },
      { id: 'key_2', lastUsedAt: 20 },
      { id: 'key_missing', lastUsedAt: 30 },
    ]);
    expect((await repo().all()).map((row) => [row.id, row.lastUsedAt])).toEqual([
      ['key_1', 10],
      ['key_2', 20],
    ]);
  });

  it("records last uses inside a caller's transaction, kept or undone with it", async () => {
    await repo().insert(key('key_1'));
    await backend.store.transaction(async (tx) => {
      await tx.apiKeys.touch([{ id: 'key_1', lastUsedAt: 10 }]);
    });
    await expect(
      backend.store.transaction(async (tx) => {
        await tx.apiKeys.touch([{ id: 'key_1', lastUsedAt: 20 }]);
        throw new Error('the request failed after');
      }),
    ).rejects.toThrow('the request failed after');
    expect(await repo().byId('key_1')).toMatchObject({ lastUsedAt: 10 });
  });

  it('reads the row to lock inside a transaction', async () => {
    await repo().insert(key('key_1'));
    const locked = await backend.store.transaction((tx) => tx.apiKeys.lockById('key_1'));
    expect(locked).toMatchObject({ id: 'key_1', keyHash: 'hash-key_1' });
    expect(await backend.store.transaction((tx) => tx.apiKeys.lockById('key_missing'))).toBeUndefined();
  });

  // Row locks are PostgreSQL's: SQLite runs transactions one at a time.
  if (name === 'postgres')
    it('holds the locked key until the transaction commits', async () => {
      await repo().insert(key('key_1'));
      const seen = await expectSecondLockWaits(backends.postgres, backend.store, {
        lock: (tx) => tx.apiKeys.lockById('key_1'),
        write: (tx) =>
          tx.apiKeys.rotate('key_1', { keyHash: 'first', hashScheme: 'hmac-sha256', prefix: 'sk_f' }, null),
        second: (tx) => tx.apiKeys.lockById('key_1'),
      });
      expect(seen?.keyHash).toBe('first');
    });
});
