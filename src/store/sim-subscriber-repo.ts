import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { simSubscribers } from '../../db/sqlite/schema.js';

export type SimSubscriberRow = typeof simSubscribers.$inferSelect;

export function createSimSubscriberRepo(db: Db) {
  const byMsisdn = db
    .select({ msisdn: simSubscribers.msisdn })
    .from(simSubscribers)
    .where(eq(simSubscribers.msisdn, sql.placeholder('msisdn')))
    .prepare();
  return {
    all: (): SimSubscriberRow[] => db.select().from(simSubscribers).all(),
    /**
     * Sets the number's behaviour; true when it had none stored. Decided by the write itself
     * (one synchronous read and write here; `RETURNING (xmax = 0)` on PostgreSQL), so of two
     * requests at once only one is told it created it.
     */
    put(row: SimSubscriberRow): boolean {
      const created = byMsisdn.get({ msisdn: row.msisdn }) === undefined;
      db.insert(simSubscribers)
        .values(row)
        .onConflictDoUpdate({
          target: simSubscribers.msisdn,
          set: { behaviour: row.behaviour, afterSeconds: row.afterSeconds, updatedAt: row.updatedAt },
        })
        .run();
      return created;
    },
  };
}

export type SimSubscriberRepo = ReturnType<typeof createSimSubscriberRepo>;
