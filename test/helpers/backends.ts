import { afterAll, beforeAll } from 'vitest';
import { openPostgres, type PostgresDatabase } from '../../db/postgres/index.js';
import { type Db, openDatabase } from '../../db/sqlite/index.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export type BackendName = 'sqlite' | 'postgres';
export const BACKENDS: readonly BackendName[] = ['sqlite', 'postgres'];

/** A private in-memory SQLite database, migrated. */
export function sqliteForTest(): Db {
  return openDatabase(':memory:');
}

/**
 * A fresh migrated PostgreSQL database for the test file (test/helpers/postgres.ts): opened in
 * `beforeAll`, closed and dropped in `afterAll`. Read `.db` inside tests and hooks only.
 */
export function postgresForTest(): { readonly db: PostgresDatabase['db']; readonly url: string } {
  let database: TestDatabase | undefined;
  let postgres: PostgresDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    postgres = await openPostgres(database.url);
  });
  afterAll(async () => {
    await postgres?.close();
    await database?.drop();
  });
  return {
    get db() {
      if (postgres === undefined) throw new Error('the PostgreSQL test database is opened in beforeAll');
      return postgres.db;
    },
    get url() {
      if (database === undefined) throw new Error('the PostgreSQL test database is created in beforeAll');
      return database.url;
    },
  };
}
