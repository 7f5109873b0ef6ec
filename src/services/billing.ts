import { DateTime } from 'luxon';
import { newId } from '../domain/ids.js';
import type { Directory } from '../engines/directory.js';
import { type ActiveSubscription, type Bill, computeBill } from '../engines/rating/bill.js';
import { AppError, notFound } from '../http/error-catalogue.js';
import type { Clock } from '../sim/clock.js';
import type { BillingRepo, SubscriptionRow } from '../store/billing-repo.js';
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
  repo: BillingRepo;
  groups: Pick<GroupService, 'require'>;
  tariffs: Pick<TariffService, 'ratesAtOrFirst' | 'catalogue'>;
  directory: Directory;
  clock: Clock;
  conferenceUsage?: (groupId: string, fromMs: number, toMs: number) => ConferenceUsage;
}) {
  const { repo, clock } = deps;
  const conferenceUsage = deps.conferenceUsage;

  function checkRules(input: SubscriptionInput): void {
    const end = input.endDate ?? null;
    if (end !== null && end < input.startDate) {
      throw new AppError('subscription_invalid', 'endDate is before startDate', [
        { path: 'body.endDate', message: `before startDate ${input.startDate}` },
      ]);
    }
    if (input.product === 'conference') {
      const known = new Set(
        deps.tariffs.catalogue().versions.flatMap((v) => v.rates.conference.packages.map((p) => p.id)),
      );
      if (!input.packageId || !known.has(input.packageId)) {
        throw new AppError(
          'subscription_invalid',
          'a conference subscription names a package of the tariff',
          [{ path: 'body.packageId', message: `one of ${[...known].join(', ')}` }],
        );
      }
    } else if (input.packageId) {
      throw new AppError('subscription_invalid', 'only conference subscriptions take a package', [
        { path: 'body.packageId', message: 'only for product conference' },
      ]);
    }
  }

  const requireSubscription = (groupId: string, id: string) => {
    const row = repo.subscription(id);
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
      return repo.subscriptionsOf(groupId).map(subscriptionView);
    },

    async createSubscription(groupId: string, input: SubscriptionInput) {
      await deps.groups.require(groupId);
      checkRules(input);
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
      repo.insertSubscription(row);
      return subscriptionView(row);
    },

    updateSubscription(groupId: string, id: string, patch: Partial<SubscriptionInput>) {
      const current = requireSubscription(groupId, id);
      const next: SubscriptionRow = {
        ...current,
        ...(patch.quantity !== undefined && { quantity: patch.quantity }),
        ...(patch.startDate !== undefined && { startDate: patch.startDate }),
        ...(patch.endDate !== undefined && { endDate: patch.endDate }),
        ...(patch.packageId !== undefined && { packageId: patch.packageId }),
        updatedAt: clock.now(),
      };
      checkRules(next);
      repo.updateSubscription(next);
      return subscriptionView(next);
    },

    removeSubscription(groupId: string, id: string) {
      requireSubscription(groupId, id);
      repo.deleteSubscription(id);
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
      const rates = deps.tariffs.ratesAtOrFirst(fromMs);
      if (rates === null) throw new AppError('no_tariff', `no tariff is in force in ${period}`);
      const first = start.toISODate()!;
      const last = end.minus({ days: 1 }).toISODate()!;
      const subscriptions: ActiveSubscription[] = [];
      for (const s of repo.subscriptionsOf(groupId)) {
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
        usage: repo.usage(groupId, fromMs, toMs),
        conference: conferenceUsage?.(groupId, fromMs, toMs) ?? NO_CONFERENCES,
        tones: repo.tonesProduced(groupId, fromMs, toMs),
      });
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
