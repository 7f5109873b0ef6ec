import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import { switchboardExtensions, switchboardOperators, switchboards } from '../../../db/postgres/schema.js';
import type { PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';
import type { ExtensionRow, OperatorRow, SwitchboardRow } from '../switchboard-repo.js';

/**
 * `RETURNING` this after an upsert: true when the row was inserted, false when the conflict
 * updated it (an updated row version has the updating transaction in `xmax`). The write itself
 * decides, so of two requests at once only one is told it created the row.
 */
const inserted = sql<boolean>`(xmax = 0)`;

/** Switchboards, their extensions and operator desks on PostgreSQL: the twin of src/store/switchboard-repo.ts. */
export function createPostgresSwitchboardRepo(db: PgExecutor): Repositories['switchboards'] {
  const byId = async (id: string): Promise<SwitchboardRow | undefined> =>
    (await db.select().from(switchboards).where(eq(switchboards.id, id)))[0];
  const extensionKey = (switchboardId: string, ext: string) =>
    and(eq(switchboardExtensions.switchboardId, switchboardId), eq(switchboardExtensions.extension, ext));
  const operatorKey = (switchboardId: string, memberId: string) =>
    and(eq(switchboardOperators.switchboardId, switchboardId), eq(switchboardOperators.memberId, memberId));

  return {
    byId,
    /** The row a change is based on, locked until the change's transaction ends. */
    lock: async (id) =>
      (await db.select().from(switchboards).where(eq(switchboards.id, id)).for('update'))[0],
    // Id order: SQLite answers in insertion order, which ULIDs follow.
    all: () => db.select().from(switchboards).orderBy(asc(switchboards.id)),
    list(groupId: string, page: PageRequest) {
      const where: SQL[] = [eq(switchboards.groupId, groupId)];
      if (page.cursor) where.push(gt(switchboards.id, page.cursor));
      return db
        .select()
        .from(switchboards)
        .where(and(...where))
        .orderBy(asc(switchboards.id))
        .limit(page.limit + 1);
    },
    async insert(row) {
      await db.insert(switchboards).values(row);
    },
    async update(row) {
      await db.update(switchboards).set(row).where(eq(switchboards.id, row.id));
    },
    /** Extensions and operators go with it (ON DELETE CASCADE). */
    delete: async (id) =>
      (await db.delete(switchboards).where(eq(switchboards.id, id)).returning({ id: switchboards.id }))
        .length > 0,

    allExtensions: () =>
      db
        .select()
        .from(switchboardExtensions)
        .orderBy(asc(switchboardExtensions.switchboardId), asc(switchboardExtensions.extension)),
    extension: async (switchboardId, ext): Promise<ExtensionRow | undefined> =>
      (await db.select().from(switchboardExtensions).where(extensionKey(switchboardId, ext)))[0],
    /** Gives the extension to the member, replacing its holder; true when it was free. */
    async putExtension(row) {
      const [written] = await db
        .insert(switchboardExtensions)
        .values(row)
        .onConflictDoUpdate({
          target: [switchboardExtensions.switchboardId, switchboardExtensions.extension],
          set: { memberId: row.memberId },
        })
        .returning({ created: inserted });
      return written?.created === true;
    },
    deleteExtension: async (switchboardId, ext) =>
      (
        await db
          .delete(switchboardExtensions)
          .where(extensionKey(switchboardId, ext))
          .returning({ extension: switchboardExtensions.extension })
      ).length > 0,

    allOperators: () =>
      db
        .select()
        .from(switchboardOperators)
        .orderBy(asc(switchboardOperators.switchboardId), asc(switchboardOperators.memberId)),
    operator: async (switchboardId, memberId): Promise<OperatorRow | undefined> =>
      (await db.select().from(switchboardOperators).where(operatorKey(switchboardId, memberId)))[0],
    /** Seats the member or changes their status; true when they were not seated. */
    async putOperator(row) {
      const [written] = await db
        .insert(switchboardOperators)
        .values(row)
        .onConflictDoUpdate({
          target: [switchboardOperators.switchboardId, switchboardOperators.memberId],
          set: { status: row.status, updatedAt: row.updatedAt },
        })
        .returning({ created: inserted });
      return written?.created === true;
    },
    deleteOperator: async (switchboardId, memberId) =>
      (
        await db
          .delete(switchboardOperators)
          .where(operatorKey(switchboardId, memberId))
          .returning({ memberId: switchboardOperators.memberId })
      ).length > 0,
  };
}
