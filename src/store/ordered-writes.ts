/**
 * Writes queued in order per key (an entity's id): a write starts only once every earlier write
 * on any of its keys has settled, whatever the store's latency, so an entity's rows move through
 * the same states, in the same order, as its copy in memory did. Writes on different keys do
 * not wait for each other.
 *
 * A write whose keys have nothing pending starts at once, in the caller's turn: on SQLite the
 * store runs it synchronously there, inside the turn's group commit, as before the store was
 * asynchronous. A failed write does not stop the writes queued after it (they are told apart by
 * the store: a compare-and-set refuses what was computed on top of a write that failed).
 */
export interface OrderedWrites {
  /** Runs `write` after every earlier write on any of `keys`; at once when none is pending. */
  run<T>(keys: readonly string[], write: () => Promise<T>): Promise<T>;
  /** Resolves once every write queued so far on `key` has settled (at once if none is pending). */
  settled(key: string): Promise<void>;
  /** Resolves once every write queued so far, on any key, has settled. */
  idle(): Promise<void>;
}

const ignore = () => {};

export function createOrderedWrites(): OrderedWrites {
  /** The last write queued per key, settled either way (never rejects). */
  const tails = new Map<string, Promise<void>>();

  return {
    run<T>(keys: readonly string[], write: () => Promise<T>): Promise<T> {
      const earlier = new Set<Promise<void>>();
      for (const key of keys) {
        const tail = tails.get(key);
        if (tail !== undefined) earlier.add(tail);
      }
      const result = earlier.size === 0 ? start(write) : Promise.all(earlier).then(write);
      const tail = result.then(ignore, ignore);
      for (const key of keys) tails.set(key, tail);
      void tail.then(() => {
        for (const key of keys) if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    settled: (key) => tails.get(key) ?? Promise.resolve(),
    async idle() {
      await Promise.all(new Set(tails.values()));
    },
  };
}

/** Starts `write` now; a synchronous throw becomes a rejection like any other failure. */
function start<T>(write: () => Promise<T>): Promise<T> {
  try {
    return write();
  } catch (error) {
    return Promise.reject(error);
  }
}
