import type { Db } from '../../db/sqlite/index.js';

/** Whether the database answers: what readiness (`/readyz`) asks of the store. */
export function createHealthRepo(db: Db) {
  const select = db.$client.prepare('SELECT 1').pluck();
  return {
    /** Runs a trivial query; throws when the database does not answer (closed, unreachable). */
    ping: (): void => {
      select.get();
    },
  };
}

export type HealthRepo = ReturnType<typeof createHealthRepo>;
