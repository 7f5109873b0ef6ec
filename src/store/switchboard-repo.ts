import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { switchboardExtensions, switchboardOperators, switchboards } from '../../db/sqlite/schema.js';
import type { PageRequest } from './pagination.js';

export type SwitchboardRow = typeof switchboards.$inferSelect;
export type ExtensionRow = typeof switchboardExtensions.$inferSelect;
export type OperatorRow = typeof switchboardOperators.$inferSelect;

/** SQLite refused a write for a unique index (the pilot number's, here). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Switchboards (移动总机), their extensions and their operator desk, in SQLite. */
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
    insert: (row: SwitchboardRow) => db.insert(switchboards).values(row).run(),
    update: (row: SwitchboardRow) =>
      db.update(switchboards).set(row).where(eq(switchboards.id, row.id)).run(),
    /** Extensions and operators go with it (ON DELETE CASCADE). */
    delete: (id: string) => db.delete(switchboards).where(eq(switchboards.id, id)).run(),

    allExtensions: (): ExtensionRow[] => db.select().from(switchboardExtensions).all(),
    extension: (switchboardId: string, ext: string): ExtensionRow | undefined =>
      extension.get({ switchboardId, extension: ext }),
    putExtension: (row: ExtensionRow) =>
      db
        .insert(switchboardExtensions)
        .values(row)
        .onConflictDoUpdate({
          target: [switchboardExtensions.switchboardId, switchboardExtensions.extension],
          set: { memberId: row.memberId },
        })
        .run(),
    deleteExtension: (switchboardId: string, ext: string) =>
      db
        .delete(switchboardExtensions)
        .where(
          and(
            eq(switchboardExtensions.switchboardId, switchboardId),
            eq(switchboardExtensions.extension, ext),
          ),
        )
        .run(),

    allOperators: (): OperatorRow[] => db.select().from(switchboardOperators).all(),
    operator: (switchboardId: string, memberId: string): OperatorRow | undefined =>
      operator.get({ switchboardId, memberId }),
    putOperator: (row: OperatorRow) =>
      db
        .insert(switchboardOperators)
        .values(row)
        .onConflictDoUpdate({
          target: [switchboardOperators.switchboardId, switchboardOperators.memberId],
          set: { status: row.status, updatedAt: row.updatedAt },
        })
        .run(),
    deleteOperator: (switchboardId: string, memberId: string) =>
      db
        .delete(switchboardOperators)
        .where(
          and(
            eq(switchboardOperators.switchboardId, switchboardId),
            eq(switchboardOperators.memberId, memberId),
          ),
        )
        .run(),
  };
}

export type SwitchboardRepo = ReturnType<typeof createSwitchboardRepo>;
