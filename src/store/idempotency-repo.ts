import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { idempotencyKeys } from '../../db/sqlite/schema.js';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

export function createIdempotencyRepo(db: Db) {
  const find = db
    .select()
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.principal, sql.placeholder('principal')),
        eq(idempotencyKeys.key, sql.placeholder('key')),
      ),
    )
    .prepare();
  return {
    find: (principal: string, key: string): IdempotencyRow | undefined => find.get({ principal, key }),
    /** Reserves the key; false when another request holds it already. */
    reserve(row: Omit<IdempotencyRow, 'statusCode' | 'responseBody' | 'contentType'>): boolean {
      const result = db.insert(idempotencyKeys).values(row).onConflictDoNothing().run();
      return result.changes === 1;
    },
    complete(principal: string, key: string, statusCode: number, responseBody: string, contentType: string) {
      db.update(idempotencyKeys)
        .set({ statusCode, responseBody, contentType })
        .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)))
        .run();
    },
    release(principal: string, key: string) {
      db.delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)))
        .run();
    },
    purgeBefore(cutoffMs: number) {
      db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, cutoffMs)).run();
    },
  };
}

export type IdempotencyRepo = ReturnType<typeof createIdempotencyRepo>;
