import { sql } from 'drizzle-orm';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

/** Whether the database answers: what readiness (`/readyz`) asks of the store. */
export function createPostgresHealthRepo(db: PgExecutor): Repositories['health'] {
  return {
    /** Runs a trivial query; rejects when the database does not answer (pool closed, server down). */
    ping: async (): Promise<void> => {
      await db.execute(sql`SELECT 1`);
    },
  };
}
