import type { Db } from '../../db/sqlite/index.js';
import { simSubscribers } from '../../db/sqlite/schema.js';

export type SimSubscriberRow = typeof simSubscribers.$inferSelect;

export function createSimSubscriberRepo(db: Db) {
  return {
    all: (): SimSubscriberRow[] => db.select().from(simSubscribers).all(),
    put(row: SimSubscriberRow) {
      db.insert(simSubscribers)
        .values(row)
        .onConflictDoUpdate({
          target: simSubscribers.msisdn,
          set: { behaviour: row.behaviour, afterSeconds: row.afterSeconds, updatedAt: row.updatedAt },
        })
        .run();
    },
  };
}

export type SimSubscriberRepo = ReturnType<typeof createSimSubscriberRepo>;
