/**
 * One holder at a time, the others served in arrival order. On SQLite every transaction of the
 * store runs under it: the one connection is shared, so a transaction that awaits between its
 * statements must not let another request's writes land inside its savepoint (where its
 * rollback would undo them) nor let the group commit end the batch half-way through it.
 */
export interface SerialLock {
  /** True while some work holds the lock. */
  readonly held: boolean;
  /** Runs `work` once every earlier holder has finished; the lock is released however it ends. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Resolves when nothing holds the lock (at once if nothing does). */
  whenFree(): Promise<void>;
}

export function createSerialLock(): SerialLock {
  let held = false;
  const queue: (() => void)[] = [];
  let idle: (() => void)[] = [];

  const release = () => {
    const next = queue.shift();
    if (next !== undefined) {
      next();
      return;
    }
    held = false;
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve();
  };

  return {
    get held() {
      return held;
    },
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (held) await new Promise<void>((resolve) => queue.push(resolve));
      else held = true;
      try {
        return await work();
      } finally {
        release();
      }
    },
    whenFree() {
      if (!held) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
