import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../helpers/backends.js';
import { directoryBackends, groupRow, policyRow, toneRow } from '../../../helpers/directory-repos.js';
import { expectSecondLockWaits } from '../../../helpers/lock-wait.js';

const backends = directoryBackends();
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe.each(BACKENDS)('the ringback repository on %s', (name) => {
  const store = backends.storeFor(name);

  async function seedGroups() {
    await store().repos.groups.insert(groupRow('grp_01'));
    await store().repos.groups.insert(groupRow('grp_02'));
  }

  it('keeps tones: a group’s in id order, all of them; fees beyond 32 bits come back as numbers', async () => {
    await seedGroups();
    const { ringback } = store().repos;
    const first = toneRow('rbt_01', 'grp_01');
    await ringback.insertTone(first);
    await ringback.insertTone(toneRow('rbt_02', 'grp_02'));
    await ringback.insertTone(toneRow('rbt_03', 'grp_01', { title: "50%_O'Brien", productionFeeFen: 0 }));
    expect((await ringback.tonesOf('grp_01'))[0]).toEqual(first);
    expect(typeof first.productionFeeFen === 'number' && first.productionFeeFen > 2 ** 31).toBe(true);
    expect(ids(await ringback.tonesOf('grp_01'))).toEqual(['rbt_01', 'rbt_03']);
    expect(await ringback.tonesOf('grp_missing')).toEqual([]);
    expect(ids(await ringback.allTones())).toEqual(['rbt_01', 'rbt_02', 'rbt_03']);
  });

  it('keeps policies with their JSON documents; reads, updates and deletes them', async () => {
    await seedGroups();
    const { ringback } = store().repos;
    const row = policyRow('rbp_01', 'grp_01', 1, {
      appliesTo: { memberIds: ['mbr_01'], departments: ["R&D 'x'", '销售'] },
      schedule: { weekdays: [1, 2, 3], start: '09:00', end: '18:00' },
      toneIds: ['rbt_01', 'rbt_02'],
      playback: 'single',
      priority: -3,
      enabled: false,
    });
    await ringback.insertPolicy(row);
    expect(await ringback.policy('rbp_01')).toEqual(row);
    expect(await ringback.policy('rbp_missing')).toBeUndefined();

    const edited = {
      ...row,
      appliesTo: { all: true },
      schedule: null,
      toneIds: [],
      enabled: true,
      updatedAt: 2,
    };
    await ringback.updatePolicy(edited);
    expect(await ringback.policy('rbp_01')).toEqual(edited);
    await ringback.deletePolicy('rbp_01');
    expect(await ringback.policy('rbp_01')).toBeUndefined();
  });

  it('orders policies by sequence number; numbers the next one from the group’s highest', async () => {
    await seedGroups();
    const { ringback } = store().repos;
    expect(await ringback.nextSeq('grp_01')).toBe(1);
    await ringback.insertPolicy(policyRow('rbp_01', 'grp_01', 2));
    await ringback.insertPolicy(policyRow('rbp_02', 'grp_01', 1));
    await ringback.insertPolicy(policyRow('rbp_03', 'grp_02', 1));
    await ringback.insertPolicy(policyRow('rbp_04', 'grp_01', 7));
    const next = await ringback.nextSeq('grp_01');
    expect(next).toBe(8);
    expect(typeof next).toBe('number');
    expect(await ringback.nextSeq('grp_02')).toBe(2);
    expect(ids(await ringback.policiesOf('grp_01'))).toEqual(['rbp_02', 'rbp_01', 'rbp_04']);
    expect(ids(await ringback.allPolicies())).toEqual(['rbp_02', 'rbp_03', 'rbp_01', 'rbp_04']);
    await store().transaction(async (tx) => {
      expect(ids(await tx.ringback.lockPoliciesOf('grp_01'))).toEqual(['rbp_02', 'rbp_01', 'rbp_04']);
      expect(await tx.ringback.lockPoliciesOf('grp_missing')).toEqual([]);
    });
  });

  it('keeps a group calendar, replaced whole', async () => {
    await seedGroups();
    const { ringback } = store().repos;
    expect(await ringback.calendar('grp_01')).toBeUndefined();
    await ringback.upsertCalendar({
      groupId: 'grp_01',
      holidays: ['2026-10-01', '2026-10-02'],
      workdays: [],
    });
    await ringback.upsertCalendar({ groupId: 'grp_02', holidays: [], workdays: ['2026-09-27'] });
    const replaced = { groupId: 'grp_01', holidays: ['2026-05-01'], workdays: ['2026-04-26'] };
    await ringback.upsertCalendar(replaced);
    expect(await ringback.calendar('grp_01')).toEqual(replaced);
    expect(await ringback.allCalendars()).toEqual([
      replaced,
      { groupId: 'grp_02', holidays: [], workdays: ['2026-09-27'] },
    ]);
  });

  if (name === 'postgres') {
    it("makes a second change of a group's policies wait until the first commits, then read its policy", async () => {
      await seedGroups();
      const s = store();
      const seen = await expectSecondLockWaits(backends.postgres, s, {
        lock: (tx) => tx.ringback.lockPoliciesOf('grp_01'),
        write: async (tx) =>
          tx.ringback.insertPolicy(policyRow('rbp_01', 'grp_01', await tx.ringback.nextSeq('grp_01'))),
        second: async (tx) => ({
          policies: ids(await tx.ringback.lockPoliciesOf('grp_01')),
          next: await tx.ringback.nextSeq('grp_01'),
        }),
      });
      expect(seen).toEqual({ policies: ['rbp_01'], next: 2 });
    });
  }
});
