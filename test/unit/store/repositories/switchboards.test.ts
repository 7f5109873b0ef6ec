import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../../../src/store/constraint-errors.js';
import { BACKENDS } from '../../../helpers/backends.js';
import {
  directoryBackends,
  rejectionOf,
  seedTwoGroupsTwoMembers,
  switchboardRow,
} from '../../../helpers/directory-repos.js';
import { expectSecondLockWaits } from '../../../helpers/lock-wait.js';

const backends = directoryBackends();
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe.each(BACKENDS)('the switchboard repository on %s', (name) => {
  const store = backends.storeFor(name);

  const seed = () => seedTwoGroupsTwoMembers(store().repos);

  it('reads, updates and deletes a switchboard; its JSON documents round-trip', async () => {
    await seed();
    const { switchboards } = store().repos;
    const row = switchboardRow('swb_01', 'grp_01', '+861080000001', {
      afterHoursGreeting: '下班了',
      businessHours: { weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
      menu: {
        prompt: "Press 1 for O'Brien, 2 for 50%_off",
        options: {
          '1': { action: 'extension', extension: '801' },
          '#': {
            action: 'submenu',
            menu: { prompt: 'sub', options: { '0': { action: 'operator' } }, maxRetries: 3 },
          },
        },
      },
      outboundPrefix: '9',
    });
    await switchboards.insert(row);
    expect(await switchboards.byId('swb_01')).toEqual(row);
    expect(await switchboards.byId('swb_missing')).toBeUndefined();

    const edited = {
      ...row,
      businessHours: null,
      afterHoursGreeting: null,
      fallback: 'hangup' as const,
      updatedAt: 2,
    };
    await switchboards.update(edited);
    expect(await switchboards.byId('swb_01')).toEqual(edited);

    expect(await switchboards.delete('swb_01')).toBe(true);
    expect(await switchboards.delete('swb_01')).toBe(false);
    expect(await switchboards.byId('swb_01')).toBeUndefined();
  });

  it('refuses a pilot number taken by another switchboard as a unique violation', async () => {
    await seed();
    const { switchboards } = store().repos;
    await switchboards.insert(switchboardRow('swb_01', 'grp_01', '+861080000001'));
    const taken = switchboardRow('swb_02', 'grp_02', '+861080000001');
    expect(isUniqueViolation(await rejectionOf(switchboards.insert(taken)))).toBe(true);
    await switchboards.insert(switchboardRow('swb_03', 'grp_02', '+861080000003'));
    const moved = switchboardRow('swb_03', 'grp_02', '+861080000001');
    expect(isUniqueViolation(await rejectionOf(switchboards.update(moved)))).toBe(true);
    expect(ids(await switchboards.all())).toEqual(['swb_01', 'swb_03']);
  });

  it('pages a group’s switchboards in id order after the cursor, one row beyond the limit', async () => {
    await seed();
    const { switchboards } = store().repos;
    for (const n of [1, 2, 3, 4])
      await switchboards.insert(switchboardRow(`swb_0${n}`, 'grp_01', `+86108000000${n}`));
    await switchboards.insert(switchboardRow('swb_05', 'grp_02', '+861080000005'));
    expect(ids(await switchboards.list('grp_01', { limit: 2 }))).toEqual(['swb_01', 'swb_02', 'swb_03']);
    expect(ids(await switchboards.list('grp_01', { limit: 2, cursor: 'swb_02' }))).toEqual([
      'swb_03',
      'swb_04',
    ]);
    expect(ids(await switchboards.list('grp_01', { limit: 2, cursor: 'swb_04' }))).toEqual([]);
    expect(ids(await switchboards.all())).toEqual(['swb_01', 'swb_02', 'swb_03', 'swb_04', 'swb_05']);
  });

  it('gives an extension to a member, telling whether it was free; deletes it, telling whether it was there', async () => {
    await seed();
    const { switchboards } = store().repos;
    await switchboards.insert(switchboardRow('swb_01', 'grp_01', '+861080000001'));
    expect(
      await switchboards.putExtension({ switchboardId: 'swb_01', extension: '801', memberId: 'mbr_01' }),
    ).toBe(true);
    expect(
      await switchboards.putExtension({ switchboardId: 'swb_01', extension: '801', memberId: 'mbr_02' }),
    ).toBe(false);
    expect(
      await switchboards.putExtension({ switchboardId: 'swb_01', extension: '802', memberId: 'mbr_01' }),
    ).toBe(true);
    expect(await switchboards.extension('swb_01', '801')).toEqual({
      switchboardId: 'swb_01',
      extension: '801',
      memberId: 'mbr_02',
    });
    expect(await switchboards.extension('swb_01', '803')).toBeUndefined();
    expect(await switchboards.allExtensions()).toEqual([
      { switchboardId: 'swb_01', extension: '801', memberId: 'mbr_02' },
      { switchboardId: 'swb_01', extension: '802', memberId: 'mbr_01' },
    ]);
    expect(await switchboards.deleteExtension('swb_01', '801')).toBe(true);
    expect(await switchboards.deleteExtension('swb_01', '801')).toBe(false);
    expect((await switchboards.allExtensions()).map((e) => e.extension)).toEqual(['802']);
  });

  it('seats operators, telling whether they were new; changes their status; unseats them', async () => {
    await seed();
    const { switchboards } = store().repos;
    await switchboards.insert(switchboardRow('swb_01', 'grp_01', '+861080000001'));
    const seat = { switchboardId: 'swb_01', memberId: 'mbr_01', status: 'available' as const, updatedAt: 1 };
    expect(await switchboards.putOperator(seat)).toBe(true);
    expect(await switchboards.putOperator({ ...seat, status: 'busy', updatedAt: 2 })).toBe(false);
    expect(await switchboards.operator('swb_01', 'mbr_01')).toEqual({
      ...seat,
      status: 'busy',
      updatedAt: 2,
    });
    expect(await switchboards.operator('swb_01', 'mbr_02')).toBeUndefined();
    expect(await switchboards.putOperator({ ...seat, memberId: 'mbr_02' })).toBe(true);
    expect((await switchboards.allOperators()).map((o) => o.memberId)).toEqual(['mbr_01', 'mbr_02']);
    expect(await switchboards.deleteOperator('swb_01', 'mbr_01')).toBe(true);
    expect(await switchboards.deleteOperator('swb_01', 'mbr_01')).toBe(false);
    expect((await switchboards.allOperators()).map((o) => o.memberId)).toEqual(['mbr_02']);
  });

  it('tells exactly one of two puts at once that it created the extension or the seat', async () => {
    await seed();
    const { switchboards } = store().repos;
    await switchboards.insert(switchboardRow('swb_01', 'grp_01', '+861080000001'));
    for (let n = 0; n < 10; n++) {
      const extension = `9${n}`;
      const created = await Promise.all([
        switchboards.putExtension({ switchboardId: 'swb_01', extension, memberId: 'mbr_01' }),
        switchboards.putExtension({ switchboardId: 'swb_01', extension, memberId: 'mbr_02' }),
      ]);
      expect(created.filter(Boolean)).toHaveLength(1);
    }
    await switchboards.deleteOperator('swb_01', 'mbr_01');
    const seat = { switchboardId: 'swb_01', memberId: 'mbr_01', status: 'available' as const, updatedAt: 1 };
    const seated = await Promise.all([
      switchboards.putOperator(seat),
      switchboards.putOperator({ ...seat, status: 'busy' }),
    ]);
    expect(seated.filter(Boolean)).toHaveLength(1);
  });

  it('takes extensions and operators away with their switchboard', async () => {
    await seed();
    const { switchboards } = store().repos;
    await switchboards.insert(switchboardRow('swb_01', 'grp_01', '+861080000001'));
    await switchboards.insert(switchboardRow('swb_02', 'grp_01', '+861080000002'));
    await switchboards.putExtension({ switchboardId: 'swb_01', extension: '801', memberId: 'mbr_01' });
    await switchboards.putExtension({ switchboardId: 'swb_02', extension: '801', memberId: 'mbr_01' });
    await switchboards.putOperator({
      switchboardId: 'swb_01',
      memberId: 'mbr_01',
      status: 'offline',
      updatedAt: 1,
    });
    expect(await switchboards.delete('swb_01')).toBe(true);
    expect(await switchboards.allExtensions()).toEqual([
      { switchboardId: 'swb_02', extension: '801', memberId: 'mbr_01' },
    ]);
    expect(await switchboards.allOperators()).toEqual([]);
  });

  it('reads the row to lock in a transaction, and undefined when there is none', async () => {
    await seed();
    const s = store();
    await s.repos.switchboards.insert(switchboardRow('swb_01', 'grp_01', '+861080000001'));
    await s.transaction(async (tx) => {
      expect(await tx.switchboards.lock('swb_01')).toMatchObject({ id: 'swb_01' });
      expect(await tx.switchboards.lock('swb_missing')).toBeUndefined();
    });
  });

  if (name === 'postgres') {
    it("makes a second transaction's lock of the switchboard wait until the first commits", async () => {
      await seed();
      const s = store();
      const row = switchboardRow('swb_01', 'grp_01', '+861080000001');
      await s.repos.switchboards.insert(row);
      const seen = await expectSecondLockWaits(backends.postgres, s, {
        lock: (tx) => tx.switchboards.lock('swb_01'),
        write: (tx) => tx.switchboards.update({ ...row, greeting: 'first' }),
        second: (tx) => tx.switchboards.lock('swb_01'),
      });
      expect(seen?.greeting).toBe('first');
    });
  }
});
