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
  const one = (principal: string, key: string) =>
    and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key));
  return {
    find: (principal: string, key: string): IdempotencyRow | undefined => find.get({ principal, key }),
    /**
     * Reserves the key; false when another request holds it already. The row's primary key
     * decides, so of two requests that both found the key free, one only gets it.
     */
    reserve(row: Omit<IdempotencyRow, 'statusCode' | 'responseBody' | 'contentType'>): boolean {
      const result = db.insert(idempotencyKeys).values(row).onConflictDoNothing().run();
      return result.changes === 1;
    },
    complete(principal: string, key: string, statusCode: number, responseBody: string, contentType: string) {
      db.update(idempotencyKeys)
        .set({ statusCode, responseBody, contentType })
        .where(one(principal, key))
        .run();
    },
    release(principal: string, key: string) {
      db.delete(idempotencyKeys).where(one(principal, key)).run();
    },
    /**
     * Frees the key if it was reserved before `cutoffMs` (expired), and only then: a request
     * that found it expired must not free the fresh reservation another made meanwhile.
     */
    releaseExpired(principal: string, key: string, cutoffMs: number) {
      db.delete(idempotencyKeys)
        .where(and(one(principal, key), lt(idempotencyKeys.createdAt, cutoffMs)))
        .run();
    },
    purgeBefore(cutoffMs: number) {
      db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, cutoffMs)).run();
    },
  };
}

export type IdempotencyRepo = ReturnType<typeof createIdempotencyRepo>;
