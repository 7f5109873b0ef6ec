import { asc } from 'drizzle-orm';
import { tariffVersions } from '../../../db/postgres/schema.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

/** The tariff catalogue's versions on PostgreSQL: the twin of src/store/tariff-repo.ts. */
export function createPostgresTariffRepo(db: PgExecutor): Repositories['tariffs'] {
  return {
    /** Oldest first. */
    all: () => db.select().from(tariffVersions).orderBy(asc(tariffVersions.effectiveFrom)),
    /** Adds the version, or replaces the rates of the one with the same effective date. */
    async put(row) {
      await db
        .insert(tariffVersions)
        .values(row)
        .onConflictDoUpdate({ target: tariffVersions.effectiveFrom, set: { rates: row.rates } });
    },
  };
}
