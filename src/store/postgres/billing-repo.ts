import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { cdrs, ringbackTones, subscriptions } from '../../../db/postgres/schema.js';
import type { UsageByCallType } from '../../engines/rating/bill.js';
import type { SubscriptionRow } from '../billing-repo.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

/** Subscriptions and the facts a bill sums: CDR usage per call type, tones produced. */
export function createPostgresBillingRepo(db: PgExecutor): Repositories['billing'] {
  return {
    subscriptionsOf: (groupId: string): Promise<SubscriptionRow[]> =>
      db
        .select()
        .from(subscriptions)
        .where(eq(subscriptions.groupId, groupId))
        .orderBy(asc(subscriptions.id)),
    subscription: async (id: string): Promise<SubscriptionRow | undefined> =>
      (await db.select().from(subscriptions).where(eq(subscriptions.id, id)))[0],
    /** The subscription, locked until the transaction ends: a concurrent change waits for this one. */
    lockSubscription: async (id: string): Promise<SubscriptionRow | undefined> =>
      (await db.select().from(subscriptions).where(eq(subscriptions.id, id)).for('update'))[0],
    insertSubscription: async (row: SubscriptionRow): Promise<void> => {
      await db.insert(subscriptions).values(row);
    },
    updateSubscription: async (row: SubscriptionRow): Promise<void> => {
      await db.update(subscriptions).set(row).where(eq(subscriptions.id, row.id));
    },
    deleteSubscription: async (id: string): Promise<void> => {
      await db.delete(subscriptions).where(eq(subscriptions.id, id));
    },

    /**
     * Rated usage of calls billed to the group that started in [fromMs, toMs). PostgreSQL
     * answers `count` and `sum` of bigints as bigint and numeric (strings from the driver):
     * they are read as numbers, as SQLite gives them.
     */
    usage: (groupId: string, fromMs: number, toMs: number): Promise<UsageByCallType[]> =>
      db
        .select({
          callType: cdrs.callType,
          calls: sql<number>`count(*)`.mapWith(Number),
          // Integer division on both backends: a started minute is a minute.
          billedMinutes: sql<number>`coalesce(sum((${cdrs.billableSeconds} + 59) / 60), 0)`.mapWith(Number),
          chargeFen: sql<number>`coalesce(sum(${cdrs.chargeFen}), 0)`.mapWith(Number),
        })
        .from(cdrs)
        .where(and(eq(cdrs.groupId, groupId), gte(cdrs.startedAt, fromMs), lt(cdrs.startedAt, toMs)))
        .groupBy(cdrs.callType)
        .orderBy(asc(cdrs.callType)),

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
        .orderBy(asc(ringbackTones.id)),
  };
}
