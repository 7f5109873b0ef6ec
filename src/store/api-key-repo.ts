import { asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { apiKeys, type KeyHashScheme } from '../../db/sqlite/schema.js';
import type { PageRequest } from './pagination.js';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;

/** A stored secret: its digest and how it was made. */
export interface StoredSecret {
  keyHash: string;
  hashScheme: KeyHashScheme;
}

export function createApiKeyRepo(db: Db) {
  return {
    all: (): ApiKeyRow[] => db.select().from(apiKeys).all(),
    byId: (id: string): ApiKeyRow | undefined => db.select().from(apiKeys).where(eq(apiKeys.id, id)).get(),
    /** `limit + 1` rows after the cursor, in creation order. */
    page: (page: PageRequest): ApiKeyRow[] =>
      db
        .select()
        .from(apiKeys)
        .where(page.cursor === undefined ? undefined : gt(apiKeys.id, page.cursor))
        .orderBy(asc(apiKeys.id))
        .limit(page.limit + 1)
        .all(),
    insert: (row: NewApiKeyRow) => db.insert(apiKeys).values(row).run(),
    revoke: (id: string, at: number) =>
      db.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id)).run(),
    /** A new current secret; the one it replaces stays valid until `previousValidUntil` (or not at all: null). */
    rotate: (
      id: string,
      next: StoredSecret & { prefix: string },
      previous: (StoredSecret & { validUntil: number }) | null,
    ) =>
      db
        .update(apiKeys)
        .set({
          ...next,
          previousKeyHash: previous?.keyHash ?? null,
          previousHashScheme: previous?.hashScheme ?? null,
          previousValidUntil: previous?.validUntil ?? null,
        })
        .where(eq(apiKeys.id, id))
        .run(),
    /** Replaces a legacy digest of the current secret by its keyed one (the key was just presented). */
    rehash: (id: string, next: StoredSecret & { prefix: string }) =>
      db.update(apiKeys).set(next).where(eq(apiKeys.id, id)).run(),
    /** Records when keys were last used, in one transaction. */
    touch: (uses: ReadonlyArray<{ id: string; lastUsedAt: number }>) =>
      db.transaction((tx) => {
        for (const use of uses) {
          tx.update(apiKeys).set({ lastUsedAt: use.lastUsedAt }).where(eq(apiKeys.id, use.id)).run();
        }
      }),
  };
}

export type ApiKeyRepo = ReturnType<typeof createApiKeyRepo>;
