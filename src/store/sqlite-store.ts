import type Database from 'better-sqlite3';
import { createSerialLock, type SerialLock } from './serial-lock.js';
import type { Async, Store } from './store.js';

type SyncRepos = Record<string, object>;
export type AsyncRepos<S extends SyncRepos> = { [K in keyof S]: Async<S[K]> };

/**
 * The SQLite store over repositories written against better-sqlite3 (synchronous, prepared
 * statements: the fast path). Their methods answer promises here, as on PostgreSQL.
 *
 * Transactions are savepoints on the one connection, run one at a time under `lock`: inside the
 * turn's group commit when a request opened one (db/write-batch.ts), which then commits only
 * between two transactions; on their own otherwise. Calls outside a transaction wait while
 * one is under way, so they never read what it may still roll back.
 *
 * A transaction whose work only awaits this store completes within one turn of microtasks, so
 * the lock is never contended then; it is what keeps the guarantees when work awaits
 * something else (a worker, a timer) between two statements.
 */
export function createSqliteStore<S extends SyncRepos>(
  client: Database.Database,
  repos: S,
  lock: SerialLock = createSerialLock(),
): Store<AsyncRepos<S>> & { readonly lock: SerialLock } {
  const inside = asyncRepos(repos, null);
  const outside = asyncRepos(repos, lock);

  return {
    dialect: 'sqlite',
    repos: outside,
    lock,
    transaction<T>(work: (tx: AsyncRepos<S>) => Promise<T>): Promise<T> {
      return lock.run(async () => {
        // Inside the batch's BEGIN this nests; outside, it opens a transaction that RELEASE
        // commits. better-sqlite3's own transactions (repository methods that write several
        // rows) nest inside as savepoints of their own.
        client.exec('SAVEPOINT store_tx');
        try {
          const result = await work(inside);
          client.exec('RELEASE store_tx');
          return result;
        } catch (error) {
          // Some failures (a full disk) end the whole transaction already.
          if (client.inTransaction) client.exec('ROLLBACK TO store_tx; RELEASE store_tx');
          throw error;
        }
      });
    },
  };
}

/** Each method answers a promise (a thrown error becomes a rejection); with a lock, it waits while a transaction holds it. */
function asyncRepos<S extends SyncRepos>(repos: S, lock: SerialLock | null): AsyncRepos<S> {
  const wrapped: Record<string, Record<string, unknown>> = {};
  for (const [name, repo] of Object.entries(repos)) {
    const methods: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(repo)) {
      if (typeof value !== 'function') continue;
      const method = value as (...args: unknown[]) => unknown;
      methods[key] =
        lock === null
          ? (...args: unknown[]) => settle(() => method.apply(repo, args))
          : (...args: unknown[]) =>
              lock.held
                ? lock.run(() => settle(() => method.apply(repo, args)))
                : settle(() => method.apply(repo, args));
    }
    wrapped[name] = methods;
  }
  return wrapped as AsyncRepos<S>;
}

function settle<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error);
  }
}
