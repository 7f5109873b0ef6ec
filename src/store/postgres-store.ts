import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Store } from './store.js';

/** A drizzle PostgreSQL database or a transaction on it: repositories are written against either. */
export type PgExecutor = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/**
 * The PostgreSQL store: repositories made for the pool outside transactions, and made afresh
 * for each transaction's client inside one. Transactions run at READ COMMITTED; what must hold
 * against a concurrent writer is held by the database itself: rows read to decide a write are
 * read with `FOR UPDATE` (the repositories' `lock…` methods), and what is taken once has a
 * unique constraint (src/store/constraint-errors.ts). A deadlock (40P01) or a serialization
 * failure (40001) is retried a few times: the work must therefore change nothing but the
 * database before it returns (src/store/store.ts).
 */
export function createPostgresStore<R>(db: PgExecutor, makeRepos: (executor: PgExecutor) => R): Store<R> {
  const repos = makeRepos(db);
  return {
    dialect: 'postgres',
    repos,
    async transaction<T>(work: (tx: R) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction((tx) => work(makeRepos(tx as unknown as PgExecutor)));
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        }
      }
    },
  };
}

const MAX_ATTEMPTS = 3;

function isRetryable(error: unknown): boolean {
  for (let e: unknown = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}
