import { and, asc, eq, type SQL } from 'drizzle-orm';
import { subgroupMembers, subgroups, vpns } from '../../../db/postgres/schema.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';
import type { SubgroupRow } from '../vpn-repo.js';

/** Group VPN settings, sub-groups and their members on PostgreSQL: the twin of src/store/vpn-repo.ts. */
export function createPostgresVpnRepo(db: PgExecutor): Repositories['vpn'] {
  const subgroupWhere = async (where: SQL | undefined): Promise<SubgroupRow | undefined> =>
    (await db.select().from(subgroups).where(where))[0];
  return {
    vpn: async (groupId) => (await db.select().from(vpns).where(eq(vpns.groupId, groupId)))[0],
    // Key order: SQLite answers in insertion order, which ULIDs follow.
    allVpns: () => db.select().from(vpns).orderBy(asc(vpns.groupId)),
    async upsertVpn(row) {
      await db.insert(vpns).values(row).onConflictDoUpdate({ target: vpns.groupId, set: row });
    },

    subgroup: (id) => subgroupWhere(eq(subgroups.id, id)),
    subgroupsOf: (groupId) =>
      db.select().from(subgroups).where(eq(subgroups.groupId, groupId)).orderBy(asc(subgroups.id)),
    allSubgroups: () => db.select().from(subgroups).orderBy(asc(subgroups.id)),
    subgroupByShortCode: (groupId, shortCode) =>
      subgroupWhere(and(eq(subgroups.groupId, groupId), eq(subgroups.shortCode, shortCode))),
    async insertSubgroup(row) {
      await db.insert(subgroups).values(row);
    },
    async updateSubgroup(row) {
      await db.update(subgroups).set(row).where(eq(subgroups.id, row.id));
    },
    async deleteSubgroup(id) {
      await db.delete(subgroups).where(eq(subgroups.id, id));
    },

    allLinks: () =>
      db
        .select()
        .from(subgroupMembers)
        .orderBy(asc(subgroupMembers.subgroupId), asc(subgroupMembers.memberId)),
    async link(subgroupId, memberId) {
      await db.insert(subgroupMembers).values({ subgroupId, memberId }).onConflictDoNothing();
    },
    async unlink(subgroupId, memberId) {
      await db
        .delete(subgroupMembers)
        .where(and(eq(subgroupMembers.subgroupId, subgroupId), eq(subgroupMembers.memberId, memberId)));
    },
  };
}
