import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { generateBenchData, writeBenchData } from '../../../bench/fixtures/seed-db.js';
import { writeBenchDataPostgres } from '../../../bench/fixtures/seed-postgres.js';
import * as pgSchema from '../../../db/postgres/schema.js';
import * as sqliteSchema from '../../../db/sqlite/schema.js';
import { postgresForTest, sqliteForTest } from '../../helpers/backends.js';

const postgres = postgresForTest();

describe('writeBenchDataPostgres', () => {
  it('writes the same rows as the SQLite bench database, several statements a table', async () => {
    const data = generateBenchData({ members: 2_100, groups: 3 });
    const sqlite = sqliteForTest();
    writeBenchData(sqlite, data);
    // 1,000 rows a statement: members and links take several.
    await writeBenchDataPostgres(postgres.db, data, 1_000);

    const fromSqlite = {
      groups: sqlite.select().from(sqliteSchema.groups).orderBy(asc(sqliteSchema.groups.id)).all(),
      vpns: sqlite.select().from(sqliteSchema.vpns).orderBy(asc(sqliteSchema.vpns.groupId)).all(),
      members: sqlite.select().from(sqliteSchema.members).orderBy(asc(sqliteSchema.members.id)).all(),
      subgroups: sqlite.select().from(sqliteSchema.subgroups).orderBy(asc(sqliteSchema.subgroups.id)).all(),
      links: sqlite
        .select()
        .from(sqliteSchema.subgroupMembers)
        .orderBy(asc(sqliteSchema.subgroupMembers.subgroupId), asc(sqliteSchema.subgroupMembers.memberId))
        .all(),
    };
    const db = postgres.db;
    const fromPostgres = {
      groups: await db.select().from(pgSchema.groups).orderBy(asc(pgSchema.groups.id)),
      vpns: await db.select().from(pgSchema.vpns).orderBy(asc(pgSchema.vpns.groupId)),
      members: await db.select().from(pgSchema.members).orderBy(asc(pgSchema.members.id)),
      subgroups: await db.select().from(pgSchema.subgroups).orderBy(asc(pgSchema.subgroups.id)),
      links: await db
        .select()
        .from(pgSchema.subgroupMembers)
        .orderBy(asc(pgSchema.subgroupMembers.subgroupId), asc(pgSchema.subgroupMembers.memberId)),
    };
    expect(fromPostgres.members).toHaveLength(2_100);
    expect(fromPostgres.links.length).toBe(data.links.length);
    expect(fromPostgres).toEqual(fromSqlite);
    sqlite.$client.close();
  });
});
