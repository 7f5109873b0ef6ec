import { DateTime } from 'luxon';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { SAMPLE_TARIFF } from '../engines/rating/sample-tariff.js';
import {
  type TariffCatalogue,
  type TariffRates,
  type TariffVersion,
  tariffAt,
} from '../engines/rating/tariff.js';
import type { Repositories } from '../store/repositories.js';

/** Tariff versions take effect at local midnight in the operator's zone. */
const TARIFF_ZONE = 'Asia/Shanghai';

const startOf = (date: string) => DateTime.fromISO(date, { zone: TARIFF_ZONE }).startOf('day').toMillis();

/**
 * The tariff catalogue, held in memory (routing rates every decision) and persisted in the
 * store, from which the memory is reloaded after every change. An empty database gets the
 * shipped sample tariff.
 */
export async function createTariffService(deps: { repos: Pick<Repositories, 'tariffs'>; clock: Clock }) {
  const repo = deps.repos.tariffs;
  let catalogue: TariffCatalogue = { versions: [] };
  // Two reloads at once may finish in either order; the one started last has seen every change
  // committed before it began, so an earlier one finishing later must not replace it.
  let reloadsStarted = 0;
  let newestInstalled = 0;

  const reload = async () => {
    const reloadNumber = ++reloadsStarted;
    const rows = await repo.all();
    if (reloadNumber < newestInstalled) return;
    newestInstalled = reloadNumber;
    catalogue = {
      versions: rows.map((row) => ({
        effectiveFrom: row.effectiveFrom,
        rates: row.rates as TariffRates,
        effectiveFromMs: startOf(row.effectiveFrom),
      })),
    };
  };

  /** Adds the version, or replaces the one with the same effective date; in force once committed. */
  const put = async (version: TariffVersion): Promise<void> => {
    await repo.put({
      effectiveFrom: version.effectiveFrom,
      rates: version.rates,
      createdAt: deps.clock.now(),
    });
    await reload();
  };

  await reload();
  if (catalogue.versions.length === 0) await put(SAMPLE_TARIFF);

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

export type TariffService = Awaited<ReturnType<typeof createTariffService>>;
