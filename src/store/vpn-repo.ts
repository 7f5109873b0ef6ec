import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { subgroupMembers, subgroups, vpns } from '../../db/sqlite/schema.js';

export type VpnRow = typeof vpns.$inferSelect;
export type SubgroupRow = typeof subgroups.$inferSelect;

export function createVpnRepo(db: Db) {
  return {
    vpn: (groupId: string): VpnRow | undefined =>
      db.select().from(vpns).where(eq(vpns.groupId, groupId)).get(),
    allVpns: (): VpnRow[] => db.select().from(vpns).all(),
    upsertVpn(row: VpnRow): void {
      db.insert(vpns).values(row).onConflictDoUpdate({ target: vpns.groupId, set: row }).run();
    },

    subgroup: (id: string): SubgroupRow | undefined =>
      db.select().from(subgroups).where(eq(subgroups.id, id)).get(),
    subgroupsOf: (groupId: string): SubgroupRow[] =>
      db.select().from(subgroups).where(eq(subgroups.groupId, groupId)).orderBy(asc(subgroups.id)).all(),
    allSubgroups: (): SubgroupRow[] => db.select().from(subgroups).all(),
    /** The sub-group of the group holding the short code, if any. */
    subgroupByShortCode: (groupId: string, shortCode: string): SubgroupRow | undefined =>
      db
        .select()
        .from(subgroups)
        .where(and(eq(subgroups.groupId, groupId), eq(subgroups.shortCode, shortCode)))
        .get(),
    insertSubgroup(row: SubgroupRow): void {
      db.insert(subgroups).values(row).run();
    },
    updateSubgroup(row: SubgroupRow): void {
      db.update(subgroups).set(row).where(eq(subgroups.id, row.id)).run();
    },
    deleteSubgroup(id: string): void {
      db.delete(subgroups).where(eq(subgroups.id, id)).run();
    },

    allLinks: () => db.select().from(subgroupMembers).all(),
    link(subgroupId: string, memberId: string): void {
      db.insert(subgroupMembers).values({ subgroupId, memberId }).onConflictDoNothing().run();
    },
    unlink(subgroupId: string, memberId: string): void {
      db.delete(subgroupMembers)
        .where(and(eq(subgroupMembers.subgroupId, subgroupId), eq(subgroupMembers.memberId, memberId)))
        .run();
    },
  };
}

export type VpnRepo = ReturnType<typeof createVpnRepo>;
