import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresDatabase } from '../../../db/postgres/index.js';
import { groups } from '../../../db/postgres/schema.js';
import { createPostgresStore, type PgExecutor } from '../../../src/store/postgres-store.js';
import { gate } from '../../helpers/gate.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';

/** A small repository the PostgreSQL way: async drizzle queries against whatever executor it is given. */
function groupRepo(db: PgExecutor) {
  return {
    byId: async (id: string) => (await db.select().from(groups).where(eq(groups.id, id)))[0],
    /** The row, locked until the transaction ends. */
    lock: async (id: string) => (await db.select().from(groups).where(eq(groups.id, id)).for('update'))[0],
    insert: async (id: string, name: string) => {
      await db.insert(groups).values({
        id,
        name,
        institutionType: 'enterprise',
        valueTier: 'A1',
        province: 'CN-HE',
        city: null,
        timezone: 'Asia/Shanghai',
        createdAt: 0,
        updatedAt: 0,
      });
    },
    rename: async (id: string, name: string) => {
      await db.update(groups).set({ name }).where(eq(groups.id, id));
    },
  };
}

let database: TestDatabase;
let postgres: PostgresDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ migrated: true });
  postgres = await openPostgres(database.url);
});
afterAll(async () => {
  await postgres?.close();
  await database?.drop();
});

const store = () =>
  createPostgresStore(postgres.db as unknown as PgExecutor, (db) => ({ groups: groupRepo(db) }));

describe('the PostgreSQL store', () => {
  it('keeps all of a transaction or none of it', async () => {
    const s = store();
    await s.transaction(async (tx) => {
      await tx.groups.insert('grp_kept_1', 'a');
      await tx.groups.insert('grp_kept_2', 'b');
    });
    await expect(
      s.transaction(async (tx) => {
        await tx.groups.insert('grp_undone', 'c');
        await tx.groups.insert('grp_kept_1', 'dup'); // taken: the whole transaction goes
      }),
    ).rejects.toThrow();
    expect(await s.repos.groups.byId('grp_kept_1')).toMatchObject({ name: 'a' });
    expect(await s.repos.groups.byId('grp_kept_2')).toMatchObject({ name: 'b' });
    expect(await s.repos.groups.byId('grp_undone')).toBeUndefined();
  });

  it('makes a second transaction that locks the same row wait for the first, then read its commit', async () => {
    const s = store();
    await s.repos.groups.insert('grp_locked', 'before');
    const held = gate();
    const order: string[] = [];
    const first = s.transaction(async (tx) => {
      await tx.groups.lock('grp_locked');
      order.push('first locked');
      await held.opened;
      await tx.groups.rename('grp_locked', 'first');
      order.push('first wrote');
    });
    // Let the first take its lock before the second asks.
    while (order.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = s.transaction(async (tx) => {
      const row = await tx.groups.lock('grp_locked');
      order.push(`second read ${row?.name}`);
      await tx.groups.rename('grp_locked', `${row?.name}+second`);
    });
    // The second is blocked on the row while the first holds it (a round trip lets it try).
    await s.repos.groups.byId('grp_locked');
    expect(order).toEqual(['first locked']);
    held.open();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first wrote', 'second read first']);
    expect(await s.repos.groups.byId('grp_locked')).toMatchObject({ name: 'first+second' });
  });

  it('retries work that failed on a serialization failure or deadlock, and nothing else', async () => {
    const s = store();
    let attempts = 0;
    const result = await s.transaction(async (tx) => {
      attempts++;
      await tx.groups.insert(`grp_retry_${attempts}`, 'x');
      if (attempts === 1) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(2);
    // The failed attempt's write went with its transaction.
    expect(await s.repos.groups.byId('grp_retry_1')).toBeUndefined();
    expect(await s.repos.groups.byId('grp_retry_2')).toBeDefined();

    let tries = 0;
    await expect(
      s.transaction(async () => {
        tries++;
        throw Object.assign(new Error('not null'), { code: '23502' });
      }),
    ).rejects.toThrow('not null');
    expect(tries).toBe(1);

    let deadlocks = 0;
    await expect(
      s.transaction(async () => {
        deadlocks++;
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      }),
    ).rejects.toThrow('deadlock');
    expect(deadlocks).toBe(3); // a bounded number of attempts
  });
});
