/**
 * The store's shape, the same on both backends: repositories whose methods return promises,
 * and transactions that hand the work its own repositories.
 *
 * - SQLite (src/store/sqlite-store.ts): one connection; transactions are savepoints run one
 *   at a time under a lock, inside the turn's group commit.
 * - PostgreSQL (src/store/postgres-store.ts): a pool; each transaction is a database
 *   transaction on one client, and what must hold against another writer (the last seat, one
 *   CDR per call, a short code taken once) is made to hold by the database: row locks taken
 *   by the repositories' `lock…` reads, and unique constraints (src/store/constraint-errors.ts).
 */
export interface Store<R> {
  readonly dialect: 'sqlite' | 'postgres';
  /** Repositories outside any transaction: each call stands alone. */
  readonly repos: R;
  /**
   * Runs `work` in one transaction: all of its writes are kept, or none if it throws (the
   * error is rethrown). Work must use the `tx` it is given, never the store's own repositories
   * or another `transaction` (on SQLite that would wait for itself), and must leave side
   * effects outside the database (the routing directory, timers, events to memory) until it
   * has returned: they follow what was committed.
   */
  transaction<T>(work: (tx: R) => Promise<T>): Promise<T>;
}

/** A repository's synchronous methods, as the async interface every backend answers to. */
export type Async<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer Result
    ? (...args: A) => Promise<Awaited<Result>>
    : T[K];
};
