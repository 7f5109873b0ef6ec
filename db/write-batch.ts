import type Database from 'better-sqlite3';
import type { SerialLock } from '../src/store/serial-lock.js';

/**
 * Group commit: the writes of every request handled in one turn of the event loop share one
 * SQLite transaction, committed when the turn ends (`setImmediate`), and no response leaves
 * before the transaction holding what it saw has committed.
 *
 * A commit costs the same whether it carries one request's rows or fifty (the WAL frames of
 * shared pages, the commit record, the locks): under load this turns fifty commits into one.
 * Nothing acknowledged is lost: a response waits for `durable()`. The services' own
 * transactions become savepoints inside the batch (better-sqlite3 nests them), so a failing
 * request still rolls back alone. If the commit itself fails, every waiting response fails
 * with it and nothing of the batch is kept.
 */
export interface WriteBatch {
  /** Opens a batch unless one is open: the writes that follow join it. */
  join(): void;
  /** True while a batch is open (a response must wait for it). */
  readonly pending: boolean;
  /** Resolves once the open batch has committed; rejects if its commit failed. */
  durable(): Promise<void>;
  /** Commits the open batch now (the end of a turn, and app close). */
  flush(): void;
}

export function createWriteBatch(
  client: Database.Database,
  options: {
    onCommitFailure?: (error: unknown) => void;
    /** Runs between transactions after each commit (the WAL checkpoint's finish); must not throw. */
    afterCommit?: () => void;
    /**
     * The store's transaction lock (src/store/sqlite-store.ts): the batch commits only while no
     * transaction holds it, never half-way through one that awaits between its statements.
     */
    lock?: SerialLock;
  } = {},
): WriteBatch {
  const onCommitFailure = options.onCommitFailure ?? (() => {});
  let open = false;
  let deferred = false;
  let waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  function flush(): void {
    if (!open) return;
    if (options.lock?.held) {
      if (!deferred) {
        deferred = true;
        void options.lock.whenFree().then(() => {
          deferred = false;
          flush();
        });
      }
      return;
    }
    open = false;
    const settled = waiters;
    waiters = [];
    try {
      client.exec('COMMIT');
    } catch (error) {
      if (client.inTransaction) client.exec('ROLLBACK');
      onCommitFailure(error);
      for (const waiter of settled) waiter.reject(error);
      return;
    }
    for (const waiter of settled) waiter.resolve();
    options.afterCommit?.();
  }

  return {
    join() {
      // A transaction already open (start-up work, a service's own) is not ours to batch.
      if (open || client.inTransaction) return;
      client.exec('BEGIN');
      open = true;
      setImmediate(flush);
    },
    get pending() {
      return open;
    },
    durable() {
      if (!open) return Promise.resolve();
      return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    },
    flush,
  };
}
