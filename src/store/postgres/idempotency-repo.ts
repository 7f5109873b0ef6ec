import { and, eq, lt } from 'drizzle-orm';
import { idempotencyKeys } from '../../../db/postgres/schema.js';
import type { IdempotencyRow } from '../idempotency-repo.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

export function createPostgresIdempotencyRepo(db: PgExecutor): Repositories['idempotency'] {
  const one = (principal: string, key: string) =>
    and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key));
  return {
    find: async (principal: string, key: string): Promise<IdempotencyRow | undefined> =>
      (await db.select().from(idempotencyKeys).where(one(principal, key)))[0],
    /**
     * Reserves the key; false when another request holds it already. The row's primary key
     * decides, so of two requests that both found the key free, one only gets it (the other's
     * insert waits for the first's commit, then does nothing).
     */
    async reserve(
      row: Omit<IdempotencyRow, 'statusCode' | 'responseBody' | 'contentType'>,
    ): Promise<boolean> {
      const inserted = await db
        .insert(idempotencyKeys)
        .values(row)
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      return inserted.length === 1;
    },
    async complete(
      principal: string,
      key: string,
      statusCode: number,
      responseBody: string,
      contentType: string,
    ): Promise<void> {
      await db
        .update(idempotencyKeys)
        .set({ statusCode, responseBody, contentType })
        .where(one(principal, key));
    },
    async release(principal: string, key: string): Promise<void> {
      await db.delete(idempotencyKeys).where(one(principal, key));
    },
    /**
     * Frees the key if it was reserved before `cutoffMs` (expired), and only then: a request
     * that found it expired must not free the fresh reservation another made meanwhile.
     */
    async releaseExpired(principal: string, key: string, cutoffMs: number): Promise<void> {
      await db
        .delete(idempotencyKeys)
        .where(and(one(principal, key), lt(idempotencyKeys.createdAt, cutoffMs)));
    },
    async purgeBefore(cutoffMs: number): Promise<void> {
      await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, cutoffMs));
    },
  };
}
