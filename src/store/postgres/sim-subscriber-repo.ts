import { asc, sql } from 'drizzle-orm';
import { simSubscribers } from '../../../db/postgres/schema.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

/** Simulated subscriber behaviours on PostgreSQL: the twin of src/store/sim-subscriber-repo.ts. */
export function createPostgresSimSubscriberRepo(db: PgExecutor): Repositories['simSubscribers'] {
  return {
    // Number order: SQLite answers in insertion order; no caller relies on either.
    all: () => db.select().from(simSubscribers).orderBy(asc(simSubscribers.msisdn)),
    /**
     * Sets the number's behaviour; true when it had none stored. Decided by the write itself
     * (`RETURNING (xmax = 0)`: an updated row version carries the updating transaction in
     * `xmax`), so of two requests at once only one is told it created it.
     */
    async put(row) {
      const [written] = await db
        .insert(simSubscribers)
        .values(row)
        .onConflictDoUpdate({
          target: simSubscribers.msisdn,
          set: { behaviour: row.behaviour, afterSeconds: row.afterSeconds, updatedAt: row.updatedAt },
        })
        .returning({ created: sql<boolean>`(xmax = 0)` });
      return written?.created === true;
    },
  };
}
