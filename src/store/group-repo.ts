import { and, asc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { groups, members } from '../../db/sqlite/schema.js';
import type { PageRequest } from './pagination.js';

export type GroupRow = typeof groups.$inferSelect;

export function createGroupRepo(db: Db) {
  const byId = db
    .select()
    .from(groups)
    .where(eq(groups.id, sql.placeholder('id')))
    .prepare();
  const memberCount = db
    .select({ n: sql<number>`count(*)` })
    .from(members)
    .where(eq(members.groupId, sql.placeholder('id')))
    .prepare();
  return {
    byId: (id: string): GroupRow | undefined => byId.get({ id }),
    /**
     * The group's row, read inside a transaction to decide a write that must hold against
     * another writer (the group's members, its short codes): on PostgreSQL it locks the row
     * until the transaction ends; SQLite runs transactions one at a time, so a plain read.
     */
    lock: (id: string): GroupRow | undefined => byId.get({ id }),
    all: (): GroupRow[] => db.select().from(groups).all(),
    list(page: PageRequest, scope: ReadonlySet<string> | null): GroupRow[] {
      const where: SQL[] = [];
      if (page.cursor) where.push(gt(groups.id, page.cursor));
      if (scope) where.push(inArray(groups.id, [...scope]));
      return db
        .select()
        .from(groups)
        .where(and(...where))
        .orderBy(asc(groups.id))
        .limit(page.limit + 1)
        .all();
    },
    insert(row: GroupRow): void {
      db.insert(groups).values(row).run();
    },
    update(row: GroupRow): void {
      db.update(groups).set(row).where(eq(groups.id, row.id)).run();
    },
    delete(id: string): void {
      db.delete(groups).where(eq(groups.id, id)).run();
    },
    memberCount: (id: string): number => memberCount.get({ id })?.n ?? 0,
  };
}

export type GroupRepo = ReturnType<typeof createGroupRepo>;
