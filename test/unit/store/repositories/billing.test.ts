import { describe, expect, it } from 'vitest';
import { cdrs, groups, ringbackTones, subscriptions } from '../../../../db/postgres/schema.js';
import type { SubscriptionRow } from '../../../../src/store/billing-repo.js';
import { isUniqueViolation } from '../../../../src/store/constraint-errors.js';
import { createPostgresBillingRepo } from '../../../../src/store/postgres/billing-repo.js';
import { BACKENDS } from '../../../helpers/backends.js';
import { expectSecondLockWaits } from '../../../helpers/lock-wait.js';
import { cdrRow, repositoryBackends, type SeedRow } from '../../../helpers/repository-backends.js';

const backends = repositoryBackends(
  (ex) => ({ billing: createPostgresBillingRepo(ex) }),
  [subscriptions, ringbackTones, cdrs, groups],
);

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const MONTH_END = 1_769_904_000_000; // 2026-02-01T00:00:00Z

function group(id: string): SeedRow<'groups'> {
  return {
    id,
    name: `group ${id}`,
    institutionType: 'enterprise',
    valueTier: 'A1',
    province: 'CN-HE',
    city: null,
    timezone: 'Asia/Shanghai',
    createdAt: 0,
    updatedAt: 0,
  };
}

function subscription(id: string, overrides: Partial<SubscriptionRow> = {}): SubscriptionRow {
  return {
    id,
    groupId: 'grp_1',
    product: 'vpn',
    packageId: null,
    quantity: null,
    startDate: '2026-01-01',
    endDate: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

const cdr = cdrRow;

function tone(
  id: string,
  createdAt: number,
  productionFeeFen: number,
  groupId = 'grp_1',
): SeedRow<'ringbackTones'> {
  return { id, groupId, title: `tone ${id}`, durationSeconds: 30, productionFeeFen, createdAt };
}

describe.each(BACKENDS)('the billing repository on %s', (name) => {
  const backend = backends.backendFor(name);
  const repo = () => backend.store.repos.billing;
  const seedGroups = () => backend.seed('groups', [group('grp_1'), group('grp_2')]);

  describe('subscriptions', () => {
    it("stores subscriptions as given and lists a group's by id", async () => {
      await seedGroups();
      const conference = subscription('sub_b', {
        product: 'conference',
        packageId: 'conf-300',
        quantity: 2,
        endDate: '2026-06-30',
      });
      await repo().insertSubscription(conference);
      await repo().insertSubscription(subscription('sub_a'));
      await repo().insertSubscription(subscription('sub_C'));
      await repo().insertSubscription(subscription('sub_x', { groupId: 'grp_2' }));
      expect(await repo().subscription('sub_b')).toEqual(conference);
      expect(await repo().subscription('sub_missing')).toBeUndefined();
      expect((await repo().subscriptionsOf('grp_1')).map((row) => row.id)).toEqual([
        'sub_C',
        'sub_a',
        'sub_b',
      ]);
      expect(await repo().subscriptionsOf('grp_missing')).toEqual([]);
    });

    it('refuses a second subscription with the same id as a unique violation', async () => {
      await seedGroups();
      await repo().insertSubscription(subscription('sub_1'));
      const error = await repo()
        .insertSubscription(subscription('sub_1', { groupId: 'grp_2' }))
        .catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect(await repo().subscriptionsOf('grp_2')).toEqual([]);
    });

    it('refuses a subscription of a group that does not exist, and not as a unique violation', async () => {
      const error = await repo()
        .insertSubscription(subscription('sub_1', { groupId: 'grp_missing' }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(isUniqueViolation(error)).toBe(false);
    });

    it('replaces a subscription as a whole, nulls included, and deletes it', async () => {
      await seedGroups();
      await repo().insertSubscription(subscription('sub_1', { quantity: 5, endDate: '2026-12-31' }));
      const changed = subscription('sub_1', {
        product: 'switchboard',
        quantity: null,
        endDate: null,
        updatedAt: T0 + 1,
      });
      await repo().updateSubscription(changed);
      expect(await repo().subscription('sub_1')).toEqual(changed);
      await repo().deleteSubscription('sub_1');
      await repo().deleteSubscription('sub_missing');
      expect(await repo().subscription('sub_1')).toBeUndefined();
    });

    it('reads the subscription to lock inside a transaction', async () => {
      await seedGroups();
      await repo().insertSubscription(subscription('sub_1'));
      expect(await backend.store.transaction((tx) => tx.billing.lockSubscription('sub_1'))).toEqual(
        subscription('sub_1'),
      );
      expect(
        await backend.store.transaction((tx) => tx.billing.lockSubscription('sub_missing')),
      ).toBeUndefined();
    });

    // Row locks are PostgreSQL's: SQLite runs transactions one at a time.
    if (name === 'postgres')
      it('holds the locked subscription until the transaction commits', async () => {
        await seedGroups();
        await repo().insertSubscription(subscription('sub_1', { quantity: 1 }));
        const seen = await expectSecondLockWaits(backends.postgres, backend.store, {
          lock: (tx) => tx.billing.lockSubscription('sub_1'),
          write: (tx) => tx.billing.updateSubscription(subscription('sub_1', { quantity: 2 })),
          second: (tx) => tx.billing.lockSubscription('sub_1'),
        });
        expect(seen?.quantity).toBe(2);
      });
  });

  describe('usage', () => {
    it('sums calls, started minutes and charges per call type, in byte order, as numbers', async () => {
      await backend.seed('cdrs', [
        cdr('cdr_1', { callType: 'onnet', billableSeconds: 60, chargeFen: 5 }),
        cdr('cdr_2', { callType: 'onnet', billableSeconds: 61, chargeFen: 10 }),
        cdr('cdr_3', { callType: 'onnet', billableSeconds: 0, chargeFen: 0 }),
        cdr('cdr_4', { callType: 'offnet', billableSeconds: 1, chargeFen: 3_000_000_000 }),
        cdr('cdr_5', { callType: 'offnet', billableSeconds: 119, chargeFen: 3_000_000_000 }),
        cdr('cdr_6', { callType: 'Intl', billableSeconds: 59, chargeFen: 100 }),
      ]);
      const usage = await repo().usage('grp_1', T0, MONTH_END);
      expect(usage).toEqual([
        { callType: 'Intl', calls: 1, billedMinutes: 1, chargeFen: 100 },
        { callType: 'offnet', calls: 2, billedMinutes: 3, chargeFen: 6_000_000_000 },
        { callType: 'onnet', calls: 3, billedMinutes: 3, chargeFen: 15 },
      ]);
      for (const row of usage) {
        expect([typeof row.calls, typeof row.billedMinutes, typeof row.chargeFen]).toEqual([
          'number',
          'number',
          'number',
        ]);
      }
    });

    it("counts the group's calls started in [from, to) only", async () => {
      await backend.seed('cdrs', [
        cdr('cdr_before', { startedAt: T0 - 1 }),
        cdr('cdr_first', { startedAt: T0 }),
        cdr('cdr_last', { startedAt: MONTH_END - 1 }),
        cdr('cdr_after', { startedAt: MONTH_END }),
        cdr('cdr_other', { groupId: 'grp_2' }),
        cdr('cdr_none', { groupId: null }),
      ]);
      expect(await repo().usage('grp_1', T0, MONTH_END)).toEqual([
        { callType: 'onnet', calls: 2, billedMinutes: 2, chargeFen: 10 },
      ]);
      expect(await repo().usage('grp_3', T0, MONTH_END)).toEqual([]);
    });
  });

  describe('tones produced', () => {
    it("lists the group's tones made in [from, to) by id, fees as numbers", async () => {
      await seedGroups();
      await backend.seed('ringbackTones', [
        tone('rbt_b', T0, 5_000_000_000),
        tone('rbt_a', MONTH_END - 1, 2_000),
        tone('rbt_before', T0 - 1, 1),
        tone('rbt_after', MONTH_END, 1),
        tone('rbt_other', T0, 1, 'grp_2'),
      ]);
      expect(await repo().tonesProduced('grp_1', T0, MONTH_END)).toEqual([
        { title: 'tone rbt_a', productionFeeFen: 2_000 },
        { title: 'tone rbt_b', productionFeeFen: 5_000_000_000 },
      ]);
      expect(await repo().tonesProduced('grp_1', MONTH_END + 1, MONTH_END + 2)).toEqual([]);
    });
  });
});
