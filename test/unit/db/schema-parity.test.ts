import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresDatabase } from '../../../db/postgres/index.js';
import { openDatabase } from '../../../db/sqlite/index.js';
import * as sqliteSchema from '../../../db/sqlite/schema.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';
import {
  postgresShape,
  type SchemaShape,
  schemaDifferences,
  sqliteShape,
} from '../../helpers/schema-shape.js';

const names = { expected: 'sqlite', actual: 'postgres' };

/** The SQLite columns drizzle reads as booleans: stored as integers, declared as such. */
function sqliteBooleanColumns(): Set<string> {
  const columns = new Set<string>();
  for (const table of Object.values(sqliteSchema)) {
    if (!(table instanceof SQLiteTable)) continue;
    const config = getTableConfig(table);
    for (const column of config.columns) {
      if (column.columnType === 'SQLiteBoolean') columns.add(`${config.name}.${column.name}`);
    }
  }
  return columns;
}

function migratedSqliteShape(): SchemaShape {
  const db = openDatabase(':memory:');
  try {
    return sqliteShape(db.$client, sqliteBooleanColumns());
  } finally {
    db.$client.close();
  }
}

describe('the SQLite and PostgreSQL schemas, as their migrations leave them', () => {
  let database: TestDatabase;
  let postgres: PostgresDatabase;
  let sqlite: SchemaShape;
  let pg: SchemaShape;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = await openPostgres(database.url);
    sqlite = migratedSqliteShape();
    pg = await postgresShape(postgres.pool);
  });

  afterAll(async () => {
    await postgres?.close();
    await database?.drop();
  });

  it('have the same tables, columns, keys, indexes and checks', () => {
    expect(Object.keys(sqlite).length).toBeGreaterThan(20);
    expect(schemaDifferences(sqlite, pg, names)).toEqual([]);
  });

  it('store times as 64-bit integers on PostgreSQL: epoch milliseconds overflow 32 bits', async () => {
    const { rows } = await postgres.pool.query<{ column: string; data_type: string }>(
      `SELECT table_name || '.' || column_name AS column, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND (column_name = 'at' OR column_name LIKE '%\\_at' OR column_name LIKE '%\\_until')`,
    );
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.filter((row) => row.data_type !== 'bigint')).toEqual([]);
  });

  it('compare text byte by byte on PostgreSQL, as SQLite does', async () => {
    const { rows } = await postgres.pool.query<{ column: string; collation_name: string | null }>(
      `SELECT table_name || '.' || column_name AS column, collation_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type = 'text'`,
    );
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((row) => row.collation_name !== 'C')).toEqual([]);
  });
});

describe('schemaDifferences', () => {
  // The real SQLite shape against altered copies of itself: each kind of drift is reported.
  const shape = migratedSqliteShape();
  const altered = (change: (copy: SchemaShape) => void): SchemaShape => {
    const copy = structuredClone(shape);
    change(copy);
    return copy;
  };

  it('finds nothing between a shape and itself', () => {
    expect(schemaDifferences(shape, structuredClone(shape), names)).toEqual([]);
  });

  it('reports a missing column and a missing table', () => {
    const changed = altered((copy) => {
      delete copy.members!.columns.title;
      delete copy.settings;
    });
    expect(schemaDifferences(shape, changed, names)).toEqual([
      'members.title: only in sqlite',
      'settings: only in sqlite',
    ]);
  });

  it('reports a column of another type, nullability or default', () => {
    const changed = altered((copy) => {
      copy.vpns!.columns.cross_province!.type = 'integer';
      copy.groups!.columns.city!.nullable = false;
      copy.messages!.columns.kind!.default = null;
    });
    expect(schemaDifferences(shape, changed, names)).toEqual([
      'groups.city nullable: sqlite true, postgres false',
      `messages.kind default: sqlite "'sms'", postgres null`,
      'vpns.cross_province type: sqlite "boolean", postgres "integer"',
    ]);
  });

  it('reports a changed primary key, index, foreign key and check', () => {
    const changed = altered((copy) => {
      copy.call_events!.primaryKey = ['call_id'];
      copy.members!.indexes.members_msisdn_unique!.unique = false;
      copy.conferences!.indexes.conferences_live_pin!.partial = false;
      delete copy.calls!.indexes.calls_state;
      copy.members!.foreignKeys = [];
      copy.cdrs!.checks = 1;
    });
    expect(schemaDifferences(shape, changed, names)).toEqual([
      'call_events primary key: sqlite ["call_id","seq"], postgres ["call_id"]',
      'calls index calls_state: only in sqlite',
      'cdrs checks: sqlite 0, postgres 1',
      'conferences index conferences_live_pin: sqlite {"columns":["pin"],"unique":true,"partial":true}, postgres {"columns":["pin"],"unique":true,"partial":false}',
      'members index members_msisdn_unique: sqlite {"columns":["msisdn"],"unique":true,"partial":false}, postgres {"columns":["msisdn"],"unique":false,"partial":false}',
      'members foreign keys: sqlite ["group_id -> groups(id) on delete no action, on update no action"], postgres []',
    ]);
  });
});
