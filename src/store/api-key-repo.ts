import { and, asc, eq, gt, isNull } from 'drizzle-orm';
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
    /** By id: an order every backend gives alike (a table scan's order is SQLite's own). */
    all: (): ApiKeyRow[] => db.select().from(apiKeys).orderBy(asc(apiKeys.id)).all(),
    byId: (id: string): ApiKeyRow | undefined => db.select().from(apiKeys).where(eq(apiKeys.id, id)).get(),
    /**
     * The key's row, read to decide a change of its secrets (rotation) inside a transaction; on
     * PostgreSQL this takes the row's lock, on SQLite (one writer) a plain read.
     */
    lockById: (id: string): ApiKeyRow | undefined =>
      db.select().from(apiKeys).where(eq(apiKeys.id, id)).get(),
    /** `limit + 1` rows after the cursor, in creation order. */
    page: (page: PageRequest): ApiKeyRow[] =>
      db
        .select()
        .from(apiKeys)
        .where(page.cursor === undefined ? undefined : gt(apiKeys.id, page.cursor))
        .orderBy(asc(apiKeys.id))
        .limit(page.limit + 1)
        .all(),
    insert: (row: NewApiKeyRow): void => {
      db.insert(apiKeys).values(row).run();
    },
    /** Revokes the key unless it is already: the first revocation's time stays. */
    revoke: (id: string, at: number): void => {
      db.update(apiKeys)
        .set({ revokedAt: at })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .run();
    },
    /** A new current secret; the one it replaces stays valid until `previousValidUntil` (or not at all: null). */
    rotate: (
      id: string,
      next: StoredSecret & { prefix: string },
      previous: (StoredSecret & { validUntil: number }) | null,
    ): void => {
      db.update(apiKeys)
        .set({
          ...next,
          previousKeyHash: previous?.keyHash ?? null,
          previousHashScheme: previous?.hashScheme ?? null,
          previousValidUntil: previous?.validUntil ?? null,
        })
        .where(eq(apiKeys.id, id))
        .run();
    },
    /**
     * Replaces a legacy digest of the current secret by its keyed one (the key was just
     * presented), unless the secret changed meanwhile (a rotation): then nothing.
     */
    rehash: (id: string, legacyKeyHash: string, next: StoredSecret & { prefix: string }): void => {
      db.update(apiKeys)
        .set(next)
        .where(and(eq(apiKeys.id, id), eq(apiKeys.keyHash, legacyKeyHash)))
        .run();
    },
    /** Records when keys were last used, in one transaction. */
    touch: (uses: ReadonlyArray<{ id: string; lastUsedAt: number }>): void =>
      db.transaction((tx) => {
        for (const use of uses) {
          tx.update(apiKeys).set({ lastUsedAt: use.lastUsedAt }).where(eq(apiKeys.id, use.id)).run();
        }
      }),
  };
}

export type ApiKeyRepo = ReturnType<typeof createApiKeyRepo>;
