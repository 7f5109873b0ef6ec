import { readFileSync } from 'node:fs';
import { asc, eq } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresDatabase, redactedUrl } from '../../../db/postgres/index.js';
import * as schema from '../../../db/postgres/schema.js';
import { freePort } from '../../helpers/free-port.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';

const journal = JSON.parse(
  readFileSync(new URL('../../../db/postgres/migrations/meta/_journal.json', import.meta.url), 'utf8'),
) as { entries: unknown[] };
const schemaTables = Object.values(schema).filter((value) => value instanceof PgTable).length;

async function migrationState(database: PostgresDatabase) {
  const tables = await database.pool.query<{ count: string }>(
    `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`,
  );
  const applied = await database.pool.query<{ hash: string }>(
    'SELECT hash FROM drizzle.__drizzle_migrations ORDER BY id',
  );
  return { tables: Number(tables.rows[0]!.count), applied: applied.rows.map((row) => row.hash) };
}

describe('openPostgres', () => {
  const databases: TestDatabase[] = [];
  const opened: PostgresDatabase[] = [];
  const freshDatabase = async (options?: Parameters<typeof createTestDatabase>[0]) => {
    const database = await createTestDatabase(options);
    databases.push(database);
    return database;
  };
  const open = async (...args: Parameters<typeof openPostgres>) => {
    const database = await openPostgres(...args);
    opened.push(database);
    return database;
  };

  afterAll(async () => {
    for (const database of opened) await database.close();
    for (const database of databases) await database.drop();
  });

  describe('on a fresh database', () => {
    let url: string;
    let first: PostgresDatabase;

    beforeAll(async () => {
      url = (await freshDatabase()).url;
      first = await open(url);
    });

    it('applies every committed migration, making every table of the schema', async () => {
      const state = await migrationState(first);
      expect(state.tables).toBe(schemaTables);
      expect(state.applied).toHaveLength(journal.entries.length);
    });

    it('applies nothing again on a second open, and keeps what was written', async () => {
      const before = await migrationState(first);
      await first.db.insert(schema.settings).values({ key: 'opened', value: 'once' });
      const second = await open(url);
      expect(await migrationState(second)).toEqual(before);
      expect(await second.db.select().from(schema.settings)).toEqual([{ key: 'opened', value: 'once' }]);
    });

    it('reads back what it wrote: 64-bit times, booleans, JSON documents', async () => {
      // Later than 2^31 ms after the epoch, and than 2^32: a 32-bit column would refuse them.
      const at = Date.parse('2026-11-24T01:00:00Z');
      const group = {
        id: 'grp_1',
        name: '张兰的公司',
        institutionType: 'enterprise' as const,
        valueTier: 'A1' as const,
        province: 'CN-GD' as const,
        city: null,
        timezone: 'Asia/Shanghai',
        createdAt: at,
        updatedAt: at,
      };
      await first.db.insert(schema.groups).values(group);
      await first.db.insert(schema.vpns).values({
        groupId: 'grp_1',
        shortCodeMin: 6000,
        shortCodeMax: 6999,
        crossProvince: true,
        showShortCode: false,
        onnetRateFenPerMinute: null,
        updatedAt: at,
      });
      await first.db.insert(schema.groupCalendars).values({
        groupId: 'grp_1',
        holidays: ['2026-10-01', '2026-10-02'],
        workdays: [],
      });
      expect(await first.db.select().from(schema.groups)).toEqual([group]);
      const [vpn] = await first.db.select().from(schema.vpns).where(eq(schema.vpns.groupId, 'grp_1'));
      expect(vpn).toMatchObject({ crossProvince: true, showShortCode: false, updatedAt: at });
      expect(await first.db.select().from(schema.groupCalendars)).toEqual([
        { groupId: 'grp_1', holidays: ['2026-10-01', '2026-10-02'], workdays: [] },
      ]);
    });
  });

  it('orders text byte by byte, as SQLite does, in a database whose locale orders otherwise', async () => {
    // English dictionary order would give _ a ä b B.
    const database = await open((await freshDatabase({ icuLocale: 'en-US' })).url);
    await database.db
      .insert(schema.settings)
      .values(['b', 'B', 'a', '_', 'ä'].map((key) => ({ key, value: key })));
    const keys = await database.db
      .select({ key: schema.settings.key })
      .from(schema.settings)
      .orderBy(asc(schema.settings.key));
    expect(keys.map((row) => row.key)).toEqual(['B', '_', 'a', 'b', 'ä']);
  });

  it('lets nodes that start at once on one database migrate it once', async () => {
    const { url } = await freshDatabase();
    const nodes = await Promise.all([open(url), open(url), open(url), open(url)]);
    const state = await migrationState(nodes[0]!);
    expect(state.tables).toBe(schemaTables);
    expect(state.applied).toHaveLength(journal.entries.length);
  });

  it("finds nothing to apply on the test helper's migrated copies, made at once", async () => {
    const copies = await Promise.all([freshDatabase({ migrated: true }), freshDatabase({ migrated: true })]);
    for (const copy of copies) {
      const state = await migrationState(await open(copy.url));
      expect(state.tables).toBe(schemaTables);
      expect(state.applied).toHaveLength(journal.entries.length);
    }
  });

  it('sizes the pool and bounds a statement by the options', async () => {
    const { url } = await freshDatabase();
    const database = await open(url, { poolSize: 3, statementTimeoutMs: 50 });
    expect(database.pool.options.max).toBe(3);
    await expect(database.pool.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
    const defaults = await open(url);
    const { rows } = await defaults.pool.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(rows[0]!.statement_timeout).toBe('10s');
  });

  it('closes once, however often asked', async () => {
    const database = await open((await freshDatabase()).url);
    await database.close();
    await database.close();
    expect(database.pool.ended).toBe(true);
  });

  describe('names the URL it could not use, without its password', () => {
    it('when nothing listens there', async () => {
      const port = await freePort();
      const attempt = openPostgres(`postgres://sim:s3cret-word@127.0.0.1:${port}/sim`);
      await expect(attempt).rejects.toThrow(
        `Could not connect to PostgreSQL at postgres://sim@127.0.0.1:${port}/sim: connect ECONNREFUSED`,
      );
      await expect(attempt).rejects.not.toThrow(/s3cret-word/);
    });

    it('when the server refuses the password', async () => {
      const url = new URL((await freshDatabase()).url);
      url.password = 'not-the-password';
      const attempt = openPostgres(url.toString());
      await expect(attempt).rejects.toThrow(
        /^Could not connect to PostgreSQL at postgres:\/\/postgres@.*password/,
      );
      await expect(attempt).rejects.not.toThrow(/not-the-password/);
    });

    it('when the database does not exist', async () => {
      const url = new URL((await freshDatabase()).url);
      url.pathname = '/no_such_database';
      await expect(openPostgres(url.toString())).rejects.toThrow(
        /^Could not connect to PostgreSQL at .*\/no_such_database: database "no_such_database" does not exist$/,
      );
    });
  });

  it('redacts a password given as a parameter too', () => {
    expect(redactedUrl('postgresql://sim@db:5432/sim?password=s3cret&sslmode=require')).toBe(
      'postgresql://sim@db:5432/sim?sslmode=require',
    );
  });
});
