import { asc, eq, max } from 'drizzle-orm';
import { groupCalendars, groups, ringbackPolicies, ringbackTones } from '../../../db/postgres/schema.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';
import type { RingbackPolicyRow } from '../ringback-repo.js';

/** 集团彩铃 tones, policies and group calendars on PostgreSQL: the twin of src/store/ringback-repo.ts. */
export function createPostgresRingbackRepo(db: PgExecutor): Repositories['ringback'] {
  const policiesOf = (groupId: string): Promise<RingbackPolicyRow[]> =>
    db
      .select()
      .from(ringbackPolicies)
      .where(eq(ringbackPolicies.groupId, groupId))
      .orderBy(asc(ringbackPolicies.seq));
  return {
    tonesOf: (groupId) =>
      db
        .select()
        .from(ringbackTones)
        .where(eq(ringbackTones.groupId, groupId))
        .orderBy(asc(ringbackTones.id)),
    // Id order: SQLite answers in insertion order, which ULIDs follow.
    allTones: () => db.select().from(ringbackTones).orderBy(asc(ringbackTones.id)),
    async insertTone(row) {
      await db.insert(ringbackTones).values(row);
    },

    policy: async (id) => (await db.select().from(ringbackPolicies).where(eq(ringbackPolicies.id, id)))[0],
    policiesOf,
    /**
     * The group's policies as a change of them reads them, in its transaction. The group's row is
     * locked first, so that the changes of one group's ringback (each compiled with all the
     * others, each taking the next sequence number) go one at a time.
     */
    async lockPoliciesOf(groupId) {
      await db.select({ id: groups.id }).from(groups).where(eq(groups.id, groupId)).for('update');
      return policiesOf(groupId);
    },
    // Sequence numbers repeat across groups: the id breaks ties, as insertion order does on SQLite.
    allPolicies: () =>
      db.select().from(ringbackPolicies).orderBy(asc(ringbackPolicies.seq), asc(ringbackPolicies.id)),
    /** The next creation sequence number within the group. */
    nextSeq: async (groupId) =>
      ((
        await db
          .select({ max: max(ringbackPolicies.seq) })
          .from(ringbackPolicies)
          .where(eq(ringbackPolicies.groupId, groupId))
      )[0]?.max ?? 0) + 1,
    async insertPolicy(row) {
      await db.insert(ringbackPolicies).values(row);
    },
    async updatePolicy(row) {
      await db.update(ringbackPolicies).set(row).where(eq(ringbackPolicies.id, row.id));
    },
    async deletePolicy(id) {
      await db.delete(ringbackPolicies).where(eq(ringbackPolicies.id, id));
    },

    calendar: async (groupId) =>
      (await db.select().from(groupCalendars).where(eq(groupCalendars.groupId, groupId)))[0],
    allCalendars: () => db.select().from(groupCalendars).orderBy(asc(groupCalendars.groupId)),
    async upsertCalendar(row) {
      await db
        .insert(groupCalendars)
        .values(row)
        .onConflictDoUpdate({ target: groupCalendars.groupId, set: row });
    },
  };
}
