import type { PgTable } from 'drizzle-orm/pg-core';
import { beforeEach } from 'vitest';
import * as pg from '../../db/postgres/schema.js';
import type { Db } from '../../db/sqlite/index.js';
import * as sqlite from '../../db/sqlite/schema.js';
import type { CdrRow } from '../../src/store/call-repo.js';
import { createPostgresStore, type PgExecutor } from '../../src/store/postgres-store.js';
import type { Repositories } from '../../src/store/repositories.js';
import { createSqliteBackedStore } from '../../src/store/sqlite-repositories.js';
import type { Store } from '../../src/store/store.js';
import { type BackendName, postgresForTest, sqliteForTest } from './backends.js';

/** Tables a repository test may fill directly (what no repository under test writes). */
const sqliteTables = {
  groups: sqlite.groups,
  cdrs: sqlite.cdrs,
  ringbackTones: sqlite.ringbackTones,
  messages: sqlite.messages,
  messageRecipients: sqlite.messageRecipients,
};
const postgresTables: Record<SeedTable, PgTable> = {
  groups: pg.groups,
  cdrs: pg.cdrs,
  ringbackTones: pg.ringbackTones,
  messages: pg.messages,
  messageRecipients: pg.messageRecipients,
};
export type SeedTable = keyof typeof sqliteTables;
export type SeedRow<T extends SeedTable> = (typeof sqliteTables)[T]['$inferInsert'];

/** One backend, emptied before each test, with the repositories under test. */
export interface RepositoryBackend<R> {
  readonly name: BackendName;
  readonly store: Store<R>;
  /** Inserts rows as they are, through the dialect's own schema. */
  seed<T extends SeedTable>(table: T, rows: SeedRow<T>[]): Promise<void>;
}

/**
 * For a suite run on both backends (`describe.each(BACKENDS)`): call at the top of the file
 * (it opens the file's PostgreSQL database), then `backendFor(name)` inside the suite. SQLite
 * is a fresh in-memory database per test, with every repository; PostgreSQL is the file's
 * database with the repositories `makePostgres` makes, and `tables` emptied before each test
 * (children before parents: a DELETE of a few small tables costs far less than a TRUNCATE).
 */
export function repositoryBackends<K extends keyof Repositories>(
  makePostgres: (executor: PgExecutor) => Pick<Repositories, K>,
  tables: readonly PgTable[],
) {
  const postgres = postgresForTest();
  return {
    postgres,
    backendFor(name: BackendName): RepositoryBackend<Pick<Repositories, K>> {
      let current: RepositoryBackend<Pick<Repositories, K>> | undefined;
      beforeEach(async () => {
        current =
          name === 'sqlite'
            ? openSqlite(sqliteForTest())
            : await openPostgres(postgres.db, makePostgres, tables);
      });
      return {
        name,
        get store() {
          if (current === undefined) throw new Error('the backend is opened in beforeEach');
          return current.store;
        },
        seed: (table, rows) => {
          if (current === undefined) throw new Error('the backend is opened in beforeEach');
          return current.seed(table, rows);
        },
      };
    },
  };
}

function openSqlite(db: Db): RepositoryBackend<Repositories> {
  return {
    name: 'sqlite',
    store: createSqliteBackedStore(db),
    seed: async (table, rows) => {
      if (rows.length > 0) db.insert(sqliteTables[table]).values(rows).run();
    },
  };
}

async function openPostgres<R>(
  db: ReturnType<typeof postgresForTest>['db'],
  makeRepos: (executor: PgExecutor) => R,
  tables: readonly PgTable[],
): Promise<RepositoryBackend<R>> {
  for (const table of tables) await db.delete(table);
  return {
    name: 'postgres',
    store: createPostgresStore(db as unknown as PgExecutor, makeRepos),
    seed: async (table, rows) => {
      // The two schemas have the same columns (test/unit/db/schema-parity.test.ts); drizzle's
      // types cannot see that through a table picked by name, hence the cast.
      if (rows.length > 0) await db.insert(postgresTables[table]).values(rows as never);
    },
  };
}

/** A CDR of `grp_1` at 2026-01-01T00:00:00Z: a one-minute on-net call, 5 fen. */
export function cdrRow(id: string, overrides: Partial<CdrRow> = {}): CdrRow {
  const at = 1_767_225_600_000;
  return {
    id,
    callId: `call_${id}`,
    groupId: 'grp_1',
    callType: 'onnet',
    from: '13800000001',
    to: '13800000002',
    presentedCallerId: '13800000001',
    startedAt: at,
    answeredAt: at + 5_000,
    endedAt: at + 65_000,
    billableSeconds: 60,
    tariffClass: 'vpn_onnet',
    rateFenPerMinute: 5,
    chargeFen: 5,
    createdAt: at + 65_000,
    ...overrides,
  };
}
