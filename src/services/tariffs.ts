import { asc } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/sqlite/index.js';
import { tariffVersions } from '../../db/sqlite/schema.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { SAMPLE_TARIFF } from '../engines/rating/sample-tariff.js';
import {
  type TariffCatalogue,
  type TariffRates,
  type TariffVersion,
  tariffAt,
} from '../engines/rating/tariff.js';

/** Tariff versions take effect at local midnight in the operator's zone. */
const TARIFF_ZONE = 'Asia/Shanghai';

const startOf = (date: string) => DateTime.fromISO(date, { zone: TARIFF_ZONE }).startOf('day').toMillis();

/**
 * The tariff catalogue, held in memory (routing rates every decision) and persisted in SQLite.
 * An empty database gets the shipped sample tariff.
 */
export function createTariffService(deps: { db: Db; clock: Clock }) {
  const { db } = deps;
  let catalogue: TariffCatalogue = { versions: [] };

  const reload = () => {
    const rows = db.select().from(tariffVersions).orderBy(asc(tariffVersions.effectiveFrom)).all();
    catalogue = {
      versions: rows.map((row) => ({
        effectiveFrom: row.effectiveFrom,
        rates: row.rates as TariffRates,
        effectiveFromMs: startOf(row.effectiveFrom),
      })),
    };
  };

  const put = (version: TariffVersion) => {
    db.insert(tariffVersions)
      .values({ effectiveFrom: version.effectiveFrom, rates: version.rates, createdAt: deps.clock.now() })
      .onConflictDoUpdate({ target: tariffVersions.effectiveFrom, set: { rates: version.rates } })
      .run();
    reload();
  };

  reload();
  if (catalogue.versions.length === 0) put(SAMPLE_TARIFF);

  return {
    catalogue: () => catalogue,
    versions: (): TariffVersion[] =>
      catalogue.versions.map(({ effectiveFrom, rates }) => ({ effectiveFrom, rates })),
    /** Rates in force at `atMs`; 422 when the time precedes every version. */
    ratesAt(atMs: number): TariffRates {
      const rates = tariffAt(catalogue, atMs);
      if (!rates) {
        throw new AppError('no_tariff', `no tariff is in force at ${new Date(atMs).toISOString()}`, [
          { path: 'at', message: 'before the first tariff version' },
        ]);
      }
      return rates;
    },
    /** Rates in force, else the oldest version's: emergency calls route whatever the time. */
    ratesAtOrFirst: (atMs: number): TariffRates | null =>
      tariffAt(catalogue, atMs) ?? catalogue.versions[0]?.rates ?? null,
    put,
  };
}

export type TariffService = ReturnType<typeof createTariffService>;
