import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { apiKeys } from '../../../db/postgres/schema.js';
import type { ApiKeyRow, NewApiKeyRow, StoredSecret } from '../api-key-repo.js';
import type { PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

export function createPostgresApiKeyRepo(db: PgExecutor): Repositories['apiKeys'] {
  return {
    /** By id, as on SQLite. */
    all: (): Promise<ApiKeyRow[]> => db.select().from(apiKeys).orderBy(asc(apiKeys.id)),
    byId: async (id: string): Promise<ApiKeyRow | undefined> =>
      (await db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0],
    /** The key's row, locked until the transaction ends: a concurrent rotation waits for this one. */
    lockById: async (id: string): Promise<ApiKeyRow | undefined> =>
      (await db.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update'))[0],
    /** `limit + 1` rows after the cursor, in creation order. */
    page: (page: PageRequest): Promise<ApiKeyRow[]> =>
      db
        .select()
        .from(apiKeys)
        .where(page.cursor === undefined ? undefined : gt(apiKeys.id, page.cursor))
        .orderBy(asc(apiKeys.id))
        .limit(page.limit + 1),
    insert: async (row: NewApiKeyRow): Promise<void> => {
      await db.insert(apiKeys).values(row);
    },
    /** Revokes the key unless it is already: the first revocation's time stays. */
    revoke: async (id: string, at: number): Promise<void> => {
      await db
        .update(apiKeys)
        .set({ revokedAt: at })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
    },
    /** A new current secret; the one it replaces stays valid until `previousValidUntil` (or not at all: null). */
    rotate: async (
      id: string,
      next: StoredSecret & { prefix: string },
      previous: (StoredSecret & { validUntil: number }) | null,
    ): Promise<void> => {
      await db
        .update(apiKeys)
        .set({
          ...next,
          previousKeyHash: previous?.keyHash ?? null,
          previousHashScheme: previous?.hashScheme ?? null,
          previousValidUntil: previous?.validUntil ?? null,
        })
        .where(eq(apiKeys.id, id));
    },
    /**
     * Replaces a legacy digest of the current secret by its keyed one (the key was just
     * presented), unless the secret changed meanwhile (a rotation): then nothing.
     */
    rehash: async (
      id: string,
      legacyKeyHash: string,
      next: StoredSecret & { prefix: string },
    ): Promise<void> => {
      await db
        .update(apiKeys)
        .set(next)
        .where(and(eq(apiKeys.id, id), eq(apiKeys.keyHash, legacyKeyHash)));
    },
    /** Records when keys were last used, in one transaction (a savepoint inside the caller's). */
    touch: async (uses: ReadonlyArray<{ id: string; lastUsedAt: number }>): Promise<void> => {
      if (uses.length === 0) return;
      await db.transaction(async (tx) => {
        for (const use of uses) {
          await tx.update(apiKeys).set({ lastUsedAt: use.lastUsedAt }).where(eq(apiKeys.id, use.id));
        }
      });
    },
  };
}
