import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { groupCalendars, ringbackPolicies, ringbackTones } from '../../db/sqlite/schema.js';

export type RingbackToneRow = typeof ringbackTones.$inferSelect;
export type RingbackPolicyRow = typeof ringbackPolicies.$inferSelect;
export type GroupCalendarRow = typeof groupCalendars.$inferSelect;

/** 集团彩铃 tones, policies and group calendars. Every write is one statement (no partial writes). */
export function createRingbackRepo(db: Db) {
  const policiesOf = (groupId: string): RingbackPolicyRow[] =>
    db
      .select()
      .from(ringbackPolicies)
      .where(eq(ringbackPolicies.groupId, groupId))
      .orderBy(asc(ringbackPolicies.seq))
      .all();
  return {
    tonesOf: (groupId: string): RingbackToneRow[] =>
      db
        .select()
        .from(ringbackTones)
        .where(eq(ringbackTones.groupId, groupId))
        .orderBy(asc(ringbackTones.id))
        .all(),
    allTones: (): RingbackToneRow[] => db.select().from(ringbackTones).all(),
    insertTone(row: RingbackToneRow): void {
      db.insert(ringbackTones).values(row).run();
    },

    policy: (id: string): RingbackPolicyRow | undefined =>
      db.select().from(ringbackPolicies).where(eq(ringbackPolicies.id, id)).get(),
    policiesOf,
    /**
     * The group's policies as a change of them reads them, in its transaction. On PostgreSQL it
     * locks the group's row first, so that the changes of one group's ringback (each compiled
     * with all the others, each taking the next sequence number) go one at a time; SQLite runs
     * transactions one at a time anyway.
     */
    lockPoliciesOf: policiesOf,
    allPolicies: (): RingbackPolicyRow[] =>
      db.select().from(ringbackPolicies).orderBy(asc(ringbackPolicies.seq)).all(),
    /** The next creation sequence number within the group. */
    nextSeq: (groupId: string): number =>
      (db
        .select({ max: sql<number | null>`max(${ringbackPolicies.seq})` })
        .from(ringbackPolicies)
        .where(eq(ringbackPolicies.groupId, groupId))
        .get()?.max ?? 0) + 1,
    insertPolicy(row: RingbackPolicyRow): void {
      db.insert(ringbackPolicies).values(row).run();
    },
    updatePolicy(row: RingbackPolicyRow): void {
      db.update(ringbackPolicies).set(row).where(eq(ringbackPolicies.id, row.id)).run();
    },
    deletePolicy(id: string): void {
      db.delete(ringbackPolicies).where(eq(ringbackPolicies.id, id)).run();
    },

    calendar: (groupId: string): GroupCalendarRow | undefined =>
      db.select().from(groupCalendars).where(eq(groupCalendars.groupId, groupId)).get(),
    allCalendars: (): GroupCalendarRow[] => db.select().from(groupCalendars).all(),
    upsertCalendar(row: GroupCalendarRow): void {
      db.insert(groupCalendars)
        .values(row)
        .onConflictDoUpdate({ target: groupCalendars.groupId, set: row })
        .run();
    },
  };
}

export type RingbackRepo = ReturnType<typeof createRingbackRepo>;
