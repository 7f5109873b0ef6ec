import { asc } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { tariffVersions } from '../../db/sqlite/schema.js';

export type TariffVersionRow = typeof tariffVersions.$inferSelect;

/** The tariff catalogue's versions, one per effective date. */
export function createTariffRepo(db: Db) {
  return {
    /** Oldest first. */
    all: (): TariffVersionRow[] =>
      db.select().from(tariffVersions).orderBy(asc(tariffVersions.effectiveFrom)).all(),
    /** Adds the version, or replaces the rates of the one with the same effective date. */
    put(row: TariffVersionRow): void {
      db.insert(tariffVersions)
        .values(row)
        .onConflictDoUpdate({ target: tariffVersions.effectiveFrom, set: { rates: row.rates } })
        .run();
    },
  };
}

export type TariffRepo = ReturnType<typeof createTariffRepo>;
