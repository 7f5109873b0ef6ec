import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { cdrs, ringbackTones, subscriptions } from '../../db/sqlite/schema.js';
import type { UsageByCallType } from '../engines/rating/bill.js';

export type SubscriptionRow = typeof subscriptions.$inferSelect;

/** Subscriptions and the facts a bill sums: CDR usage per call type, tones produced. */
export function createBillingRepo(db: Db) {
  return {
    subscriptionsOf: (groupId: string): SubscriptionRow[] =>
      db
        .select()
        .from(subscriptions)
        .where(eq(subscriptions.groupId, groupId))
        .orderBy(asc(subscriptions.id))
        .all(),
    subscription: (id: string): SubscriptionRow | undefined =>
      db.select().from(subscriptions).where(eq(subscriptions.id, id)).get(),
    /**
     * The subscription, read to decide its change inside a transaction; on PostgreSQL this takes
     * the row's lock, on SQLite (one writer) a plain read.
     */
    lockSubscription: (id: string): SubscriptionRow | undefined =>
      db.select().from(subscriptions).where(eq(subscriptions.id, id)).get(),
    insertSubscription: (row: SubscriptionRow): void => {
      db.insert(subscriptions).values(row).run();
    },
    updateSubscription: (row: SubscriptionRow): void => {
      db.update(subscriptions).set(row).where(eq(subscriptions.id, row.id)).run();
    },
    deleteSubscription: (id: string): void => {
      db.delete(subscriptions).where(eq(subscriptions.id, id)).run();
    },

    /** Rated usage of calls billed to the group that started in [fromMs, toMs). */
    usage(groupId: string, fromMs: number, toMs: number): UsageByCallType[] {
      return db
        .select({
          callType: cdrs.callType,
          calls: sql<number>`count(*)`,
          billedMinutes: sql<number>`coalesce(sum((${cdrs.billableSeconds} + 59) / 60), 0)`,
          chargeFen: sql<number>`coalesce(sum(${cdrs.chargeFen}), 0)`,
        })
        .from(cdrs)
        .where(and(eq(cdrs.groupId, groupId), gte(cdrs.startedAt, fromMs), lt(cdrs.startedAt, toMs)))
        .groupBy(cdrs.callType)
        .orderBy(asc(cdrs.callType))
        .all();
    },

    /** Tones the group had produced in [fromMs, toMs): one-off production fees. */
    tonesProduced: (groupId: string, fromMs: number, toMs: number) =>
      db
        .select({ title: ringbackTones.title, productionFeeFen: ringbackTones.productionFeeFen })
        .from(ringbackTones)
        .where(
          and(
            eq(ringbackTones.groupId, groupId),
            gte(ringbackTones.createdAt, fromMs),
            lt(ringbackTones.createdAt, toMs),
          ),
        )
        .orderBy(asc(ringbackTones.id))
        .all(),
  };
}

export type BillingRepo = ReturnType<typeof createBillingRepo>;
