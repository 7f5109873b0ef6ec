import type { createSqliteRepositories } from './sqlite-repositories.js';
import type { AsyncRepos } from './sqlite-store.js';
import type { Store } from './store.js';

/**
 * The repositories every backend provides, as promises: the SQLite ones
 * (src/store/sqlite-repositories.ts) define the shape, and the PostgreSQL ones
 * (src/store/postgres-repositories.ts) answer to it.
 */
export type Repositories = AsyncRepos<ReturnType<typeof createSqliteRepositories>>;

/** The store the services use, on either backend. */
export type AppStore = Store<Repositories>;
