import { DateTime } from 'luxon';
import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { type ActiveSubscription, type Bill, computeBill } from '../engines/rating/bill.js';
import type { SubscriptionRow } from '../store/billing-repo.js';
import type { AppStore, Repositories } from '../store/repositories.js';
import type { RoutingDirectory } from '../store/routing-directory/index.js';
import type { GroupService } from './groups.js';
import type { TariffService } from './tariffs.js';
import { iso } from './views.js';

export type Product = SubscriptionRow['product'];

export interface SubscriptionInput {
  product: Product;
  packageId?: string | null | undefined;
  quantity?: number | null | undefined;
  startDate: string;
  endDate?: string | null | undefined;
}

export interface ConferenceUsage {
  conferences: number;
  participantMinutes: number;
  chargeFen: number;
}

const NO_CONFERENCES: ConferenceUsage = { conferences: 0, participantMinutes: 0, chargeFen: 0 };

export function subscriptionView(row: SubscriptionRow) {
  return {
    id: row.id,
    groupId: row.groupId,
    product: row.product,
    packageId: row.packageId,
    quantity: row.quantity,
    startDate: row.startDate,
    endDate: row.endDate,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * Subscriptions and monthly bills. A bill is computed on demand from the records (CDRs,
 * conference history, tones, subscriptions) by the pure rating engine, so the same month asked
 * twice gives the same numbers, and a month still running gives its bill to date.
 */
export function createBillingService(deps: {
  store: { repos: Pick<Repositories, 'billing'>; transaction: AppStore['transaction'] };
  groups: Pick<GroupService, 'require'>;
  tariffs: Pick<TariffService, 'ratesAtOrFirst' | 'catalogue'>;
  directory: RoutingDirectory;
  clock: Clock;
  conferenceUsage?: (
    groupId: string,
    fromMs: number,
    toMs: number,
  ) => ConferenceUsage | Promise<ConferenceUsage>;
}) {
  const { store, clock } = deps;
  const repo = store.repos.billing;
  const conferenceUsage = deps.conferenceUsage;

  /** The conference packages of every tariff version: what a conference subscription may name. */
  async function conferencePackages(): Promise<ReadonlySet<string>> {
    const { versions } = await deps.tariffs.catalogue();
    return new Set(versions.flatMap((v) => v.rates.conference.packages.map((p) => p.id)));
  }

  function checkRules(input: SubscriptionInput, known: ReadonlySet<string>): void {
    const end = input.endDate ?? null;
    if (end !== null && end < input.startDate) {
      throw new AppError('subscription_invalid', 'endDate is before startDate', [
        { path: 'endDate', message: `before startDate ${input.startDate}` },
      ]);
    }
    if (input.product === 'conference') {
      if (!input.packageId || !known.has(input.packageId)) {
        throw new AppError(
          'subscription_invalid',
          'a conference subscription names a package of the tariff',
          [{ path: 'packageId', message: `one of ${[...known].join(', ')}` }],
        );
      }
    } else if (input.packageId) {
      throw new AppError('subscription_invalid', 'only conference subscriptions take a package', [
        { path: 'packageId', message: 'only for product conference' },
      ]);
    }
  }

  /** The group's subscription, read in `tx` to decide its change. */
  const requireSubscription = async (tx: Repositories, groupId: string, id: string) => {
    const row = await tx.billing.lockSubscription(id);
    if (row === undefined || row.groupId !== groupId) throw notFound('subscription');
    return row;
  };

  /** Default quantities: what the group has now (its switchboards, its members). */
  function defaultQuantity(groupId: string, product: Product): number {
    if (product === 'switchboard') {
      let n = 0;
      for (const s of deps.directory.switchboardsById.values()) if (s.groupId === groupId) n++;
      return n;
    }
    if (product === 'ringback') {
      let n = 0;
      for (const m of deps.directory.membersById.values()) if (m.groupId === groupId) n++;
      return n;
    }
    return 1;
  }

  return {
    async listSubscriptions(groupId: string) {
      await deps.groups.require(groupId);
      return (await repo.subscriptionsOf(groupId)).map(subscriptionView);
    },

    async createSubscription(groupId: string, input: SubscriptionInput) {
      await deps.groups.require(groupId);
      checkRules(input, await conferencePackages());
      const now = clock.now();
      const row: SubscriptionRow = {
        id: newId('sub'),
        groupId,
        product: input.product,
        packageId: input.packageId ?? null,
        quantity: input.quantity ?? null,
        startDate: input.startDate,
        endDate: input.endDate ?? null,
        createdAt: now,
        updatedAt: now,
      };
      await repo.insertSubscription(row);
      return subscriptionView(row);
    },

    /** The patch applies to the subscription as it is when written: a concurrent change is not undone. */
    async updateSubscription(groupId: string, id: string, patch: Partial<SubscriptionInput>) {
      // Read before the transaction, which awaits nothing but its own repositories.
      const packages = await conferencePackages();
      const next = await store.transaction(async (tx) => {
        const current = await requireSubscription(tx, groupId, id);
        const changed: SubscriptionRow = {
          ...current,
          ...(patch.quantity !== undefined && { quantity: patch.quantity }),
          ...(patch.startDate !== undefined && { startDate: patch.startDate }),
          ...(patch.endDate !== undefined && { endDate: patch.endDate }),
          ...(patch.packageId !== undefined && { packageId: patch.packageId }),
          updatedAt: clock.now(),
        };
        checkRules(changed, packages);
        await tx.billing.updateSubscription(changed);
        return changed;
      });
      return subscriptionView(next);
    },

    async removeSubscription(groupId: string, id: string) {
      await store.transaction(async (tx) => {
        await requireSubscription(tx, groupId, id);
        await tx.billing.deleteSubscription(id);
      });
    },

    /** The bill of `period` (`YYYY-MM`) in the group's time zone. */
    async bill(groupId: string, period: string): Promise<Bill> {
      const group = await deps.groups.require(groupId);
      const [year, month] = period.split('-').map(Number) as [number, number];
      const start = DateTime.fromObject({ year, month, day: 1 }, { zone: group.timezone });
      const end = start.plus({ months: 1 });
      const daysInMonth = start.daysInMonth!;
      const fromMs = start.toMillis();
      const toMs = end.toMillis();
      const rates = await deps.tariffs.ratesAtOrFirst(fromMs);
      if (rates === null) throw new AppError('no_tariff', `no tariff is in force in ${period}`);
      const first = start.toISODate()!;
      const last = end.minus({ days: 1 }).toISODate()!;
      const subscriptions: ActiveSubscription[] = [];
      for (const s of await repo.subscriptionsOf(groupId)) {
        // ISO dates compare as strings; Math.max/min would turn them into NaN.
        // biome-ignore lint/complexity/useMathMinMax: string comparison of YYYY-MM-DD dates
        const from = s.startDate > first ? s.startDate : first;
        const to = s.endDate !== null && s.endDate < last ? s.endDate : last;
        if (from > to) continue;
        const activeDays =
          DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days +
          1;
        subscriptions.push({
          product: s.product,
          packageId: s.packageId,
          quantity: s.quantity ?? defaultQuantity(groupId, s.product),
          activeDays,
        });
      }
      return computeBill({
        period,
        daysInMonth,
        rates,
        subscriptions,
        usage: await repo.usage(groupId, fromMs, toMs),
        conference: (await conferenceUsage?.(groupId, fromMs, toMs)) ?? NO_CONFERENCES,
        tones: await repo.tonesProduced(groupId, fromMs, toMs),
      });
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
