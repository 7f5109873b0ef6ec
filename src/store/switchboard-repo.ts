import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { switchboardExtensions, switchboardOperators, switchboards } from '../../db/sqlite/schema.js';
import type { PageRequest } from './pagination.js';

export type SwitchboardRow = typeof switchboards.$inferSelect;
export type ExtensionRow = typeof switchboardExtensions.$inferSelect;
export type OperatorRow = typeof switchboardOperators.$inferSelect;

/**
 * Switchboards (移动总机), their extensions and their operator desk, in SQLite. A put answers
 * whether it created the row and a delete whether there was one: decided by the write itself,
 * so two requests at once cannot both be told they were first (on PostgreSQL, one statement
 * each: `RETURNING (xmax = 0)` and the deleted row count).
 */
export function createSwitchboardRepo(db: Db) {
  const byId = db
    .select()
    .from(switchboards)
    .where(eq(switchboards.id, sql.placeholder('id')))
    .prepare();
  const extension = db
    .select()
    .from(switchboardExtensions)
    .where(
      and(
        eq(switchboardExtensions.switchboardId, sql.placeholder('switchboardId')),
        eq(switchboardExtensions.extension, sql.placeholder('extension')),
      ),
    )
    .prepare();
  const operator = db
    .select()
    .from(switchboardOperators)
    .where(
      and(
        eq(switchboardOperators.switchboardId, sql.placeholder('switchboardId')),
        eq(switchboardOperators.memberId, sql.placeholder('memberId')),
      ),
    )
    .prepare();

  return {
    byId: (id: string): SwitchboardRow | undefined => byId.get({ id }),
    /** The row a change is based on: read in the change's transaction (locked on PostgreSQL). */
    lock: (id: string): SwitchboardRow | undefined => byId.get({ id }),
    all: (): SwitchboardRow[] => db.select().from(switchboards).all(),
    list(groupId: string, page: PageRequest): SwitchboardRow[] {
      const where: SQL[] = [eq(switchboards.groupId, groupId)];
      if (page.cursor) where.push(gt(switchboards.id, page.cursor));
      return db
        .select()
        .from(switchboards)
        .where(and(...where))
        .orderBy(asc(switchboards.id))
        .limit(page.limit + 1)
        .all();
    },
    insert(row: SwitchboardRow): void {
      db.insert(switchboards).values(row).run();
    },
    update(row: SwitchboardRow): void {
      db.update(switchboards).set(row).where(eq(switchboards.id, row.id)).run();
    },
    /** Extensions and operators go with it (ON DELETE CASCADE). */
    delete: (id: string): boolean => db.delete(switchboards).where(eq(switchboards.id, id)).run().changes > 0,

    allExtensions: (): ExtensionRow[] => db.select().from(switchboardExtensions).all(),
    extension: (switchboardId: string, ext: string): ExtensionRow | undefined =>
      extension.get({ switchboardId, extension: ext }),
    /** Gives the extension to the member, replacing its holder; true when it was free. */
    putExtension(row: ExtensionRow): boolean {
      // One synchronous read and write: nothing runs between them on the one connection.
      const created =
        extension.get({ switchboardId: row.switchboardId, extension: row.extension }) === undefined;
      db.insert(switchboardExtensions)
        .values(row)
        .onConflictDoUpdate({
          target: [switchboardExtensions.switchboardId, switchboardExtensions.extension],
          set: { memberId: row.memberId },
        })
        .run();
      return created;
    },
    deleteExtension: (switchboardId: string, ext: string): boolean =>
      db
        .delete(switchboardExtensions)
        .where(
          and(
            eq(switchboardExtensions.switchboardId, switchboardId),
            eq(switchboardExtensions.extension, ext),
          ),
        )
        .run().changes > 0,

    allOperators: (): OperatorRow[] => db.select().from(switchboardOperators).all(),
    operator: (switchboardId: string, memberId: string): OperatorRow | undefined =>
      operator.get({ switchboardId, memberId }),
    /** Seats the member or changes their status; true when they were not seated. */
    putOperator(row: OperatorRow): boolean {
      const created =
        operator.get({ switchboardId: row.switchboardId, memberId: row.memberId }) === undefined;
      db.insert(switchboardOperators)
        .values(row)
        .onConflictDoUpdate({
          target: [switchboardOperators.switchboardId, switchboardOperators.memberId],
          set: { status: row.status, updatedAt: row.updatedAt },
        })
        .run();
      return created;
    },
    deleteOperator: (switchboardId: string, memberId: string): boolean =>
      db
        .delete(switchboardOperators)
        .where(
          and(
            eq(switchboardOperators.switchboardId, switchboardId),
            eq(switchboardOperators.memberId, memberId),
          ),
        )
        .run().changes > 0,
  };
}

export type SwitchboardRepo = ReturnType<typeof createSwitchboardRepo>;
