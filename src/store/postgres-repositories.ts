import { createPostgresStore, type PgExecutor } from './postgres-store.js';
import type { AppStore, Repositories } from './repositories.js';

/**
 * Every repository on a PostgreSQL executor (the pool, or one transaction's client). They hold
 * no prepared state, so making them per transaction costs a few closures.
 */
export function createPostgresRepositories(db: PgExecutor): Repositories {
  return new Proxy({} as Repositories, {
    get(_target, name) {
      throw new Error(`the PostgreSQL repository ${String(name)} is being built (issue 18)`);
    },
  });
}

export function createPostgresBackedStore(db: PgExecutor): AppStore {
  return createPostgresStore(db, createPostgresRepositories);
}
