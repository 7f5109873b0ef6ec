import type { OrderedWrites } from '../store/ordered-writes.js';
import type { AppStore, Repositories } from '../store/repositories.js';

/** One entity's write, recorded while an action runs in memory. */
export interface EntityWrite {
  /** The entity's id: its writes are queued in order behind each other. */
  readonly key: string;
  write(repos: Repositories): Promise<void>;
  /** Memory no longer matches the store (the write failed, or the action threw): drop and reload. */
  forget(): void;
}

/**
 * Units of work for calls and conferences. An action (a hang-up, a mute, a due answer) moves
 * entities in memory synchronously, each change recording the write that persists it; the
 * effects between calls and conferences (a leg's answer moves its room, the room drops a leg)
 * run inside the same unit. When the action returns, its writes are queued in order per entity
 * (src/store/ordered-writes.ts) as one store transaction, and whoever answers the request
 * awaits it: acknowledged means committed.
 *
 * If the action throws, or its transaction fails (another process wrote one of its rows: 409
 * `concurrent_update`; the database is down), nothing of it is kept, and every entity it touched
 * forgets its copy in memory, to be read back from what was committed.
 */
export interface WriteUnits {
  /**
   * Runs `work` synchronously as one unit and answers its value once the unit has committed.
   * Called from inside another unit, `work` joins that one (its caller awaits the commit).
   */
  act<T>(work: () => T): Promise<T>;
  /** As `act`, for work outside a request (timers): a failure goes to `report`, not to a caller. */
  background(work: () => void, report: (error: unknown) => void): void;
  /** Records a write in the open unit (a change made outside any unit opens its own). */
  record(write: EntityWrite): void;
  /**
   * A write made beside the unit's, through another service (a conference's SMS): the open
   * unit's commit waits for it too, and so does `idle()`. It must not reject (report its
   * failure itself): it does not undo the unit's change.
   */
  follow(write: Promise<void>): void;
  /** Resolves once every write queued so far on `key` has settled. */
  settled(key: string): Promise<void>;
  /** Resolves once every write queued so far has settled (clock moves, close). */
  idle(): Promise<void>;
}

const RESOLVED = Promise.resolve();

export function createWriteUnits(deps: {
  store: AppStore;
  ordered: OrderedWrites;
  /** Failures of writes made outside any unit. */
  report?: (error: unknown) => void;
}): WriteUnits {
  const { store, ordered } = deps;
  let open: EntityWrite[] | null = null;
  let followed: Promise<void>[] = [];
  const inFlight = new Set<Promise<void>>();

  function forgetAll(writes: readonly EntityWrite[]): void {
    for (const write of writes) write.forget();
  }

  function queue(writes: EntityWrite[]): Promise<void> {
    if (writes.length === 0) return RESOLVED;
    const keys = [...new Set(writes.map((w) => w.key))];
    // One write is atomic by itself (each repository write is a transaction): the hot path
    // needs no transaction around it.
    const run =
      writes.length === 1
        ? () => writes[0]!.write(store.repos)
        : () =>
            store.transaction(async (tx) => {
              for (const w of writes) await w.write(tx);
            });
    return ordered.run(keys, run).catch((error: unknown) => {
      forgetAll(writes);
      throw error;
    });
  }

  /** Runs `work` as the unit (or inside the open one); answers its value and its commit. */
  function run<T>(work: () => T): { value: T; committed: Promise<void> } {
    if (open !== null) return { value: work(), committed: RESOLVED };
    const writes: EntityWrite[] = [];
    open = writes;
    followed = [];
    let value: T;
    try {
      value = work();
    } catch (error) {
      forgetAll(writes);
      throw error;
    } finally {
      open = null;
    }
    const beside = followed;
    const committed = queue(writes);
    return {
      value,
      committed: beside.length === 0 ? committed : Promise.all([committed, ...beside]).then(() => {}),
    };
  }

  return {
    async act<T>(work: () => T): Promise<T> {
      const { value, committed } = run(work);
      await committed;
      return value;
    },
    background(work, report) {
      try {
        run(work).committed.catch(report);
      } catch (error) {
        report(error);
      }
    },
    record(write) {
      if (open !== null) open.push(write);
      else queue([write]).catch((error: unknown) => deps.report?.(error));
    },
    follow(write) {
      inFlight.add(write);
      void write.finally(() => inFlight.delete(write));
      if (open !== null) followed.push(write);
    },
    settled: (key) => ordered.settled(key),
    idle: async () => {
      await Promise.all([ordered.idle(), ...inFlight]);
    },
  };
}
