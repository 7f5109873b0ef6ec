import { and, asc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import { groups, members } from '../../../db/postgres/schema.js';
import type { GroupRow } from '../group-repo.js';
import type { PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

/** Group customers on PostgreSQL: the twin of src/store/group-repo.ts. */
export function createPostgresGroupRepo(db: PgExecutor): Repositories['groups'] {
  const byId = async (id: string): Promise<GroupRow | undefined> =>
    (await db.select().from(groups).where(eq(groups.id, id)))[0];
  return {
    byId,
    /**
     * The group's row, locked until the transaction ends: a change that depends on the group
     * (its members, its short codes) waits here for another one under way to commit.
     */
    lock: async (id) => (await db.select().from(groups).where(eq(groups.id, id)).for('update'))[0],
    // Id order: SQLite answers in insertion order, which ULIDs follow.
    all: () => db.select().from(groups).orderBy(asc(groups.id)),
    list(page: PageRequest, scope: ReadonlySet<string> | null) {
      const where: SQL[] = [];
      if (page.cursor) where.push(gt(groups.id, page.cursor));
      if (scope) where.push(inArray(groups.id, [...scope]));
      return db
        .select()
        .from(groups)
        .where(and(...where))
        .orderBy(asc(groups.id))
        .limit(page.limit + 1);
    },
    async insert(row) {
      await db.insert(groups).values(row);
    },
    async update(row) {
      await db.update(groups).set(row).where(eq(groups.id, row.id));
    },
    async delete(id) {
      await db.delete(groups).where(eq(groups.id, id));
    },
    // count(*) is a bigint, which node-postgres reads as a string.
    memberCount: async (id) =>
      (
        await db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(members)
          .where(eq(members.groupId, id))
      )[0]?.n ?? 0,
  };
}
