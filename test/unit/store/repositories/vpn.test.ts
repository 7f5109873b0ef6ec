import { describe, expect, it } from 'vitest';
import { isForeignKeyViolation, isUniqueViolation } from '../../../../src/store/constraint-errors.js';
import type { VpnRow } from '../../../../src/store/vpn-repo.js';
import { BACKENDS } from '../../../helpers/backends.js';
import {
  directoryBackends,
  rejectionOf,
  seedTwoGroupsTwoMembers,
  subgroupRow,
} from '../../../helpers/directory-repos.js';

const backends = directoryBackends();
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

function vpnRow(groupId: string, overrides: Partial<VpnRow> = {}): VpnRow {
  return {
    groupId,
    shortCodeMin: 600,
    shortCodeMax: 699,
    crossProvince: false,
    showShortCode: true,
    onnetRateFenPerMinute: null,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe.each(BACKENDS)('the VPN repository on %s', (name) => {
  const store = backends.storeFor(name);

  const seed = () => seedTwoGroupsTwoMembers(store().repos);

  it('creates a group’s VPN, then replaces it; booleans and NULLs round-trip', async () => {
    await seed();
    const { vpn } = store().repos;
    expect(await vpn.vpn('grp_01')).toBeUndefined();
    await vpn.upsertVpn(vpnRow('grp_01'));
    expect(await vpn.vpn('grp_01')).toEqual(vpnRow('grp_01'));
    const changed = vpnRow('grp_01', {
      crossProvince: true,
      showShortCode: false,
      onnetRateFenPerMinute: 5,
      updatedAt: 1_800_000_000_000,
    });
    await vpn.upsertVpn(changed);
    await vpn.upsertVpn(vpnRow('grp_02'));
    expect(await vpn.vpn('grp_01')).toEqual(changed);
    expect(await vpn.allVpns()).toEqual([changed, vpnRow('grp_02')]);
  });

  it('keeps sub-groups: read, listed in id order per group, updated, deleted', async () => {
    await seed();
    const { vpn } = store().repos;
    const first = subgroupRow('sgp_01', 'grp_01', { shortCode: '680', onnetRateFenPerMinute: 3 });
    await vpn.insertSubgroup(first);
    await vpn.insertSubgroup(subgroupRow('sgp_02', 'grp_02'));
    await vpn.insertSubgroup(subgroupRow('sgp_03', 'grp_01'));
    expect(await vpn.subgroup('sgp_01')).toEqual(first);
    expect(await vpn.subgroup('sgp_missing')).toBeUndefined();
    expect(ids(await vpn.subgroupsOf('grp_01'))).toEqual(['sgp_01', 'sgp_03']);
    expect(ids(await vpn.allSubgroups())).toEqual(['sgp_01', 'sgp_02', 'sgp_03']);
    expect(await vpn.subgroupByShortCode('grp_01', '680')).toEqual(first);
    expect(await vpn.subgroupByShortCode('grp_02', '680')).toBeUndefined();

    const renamed = { ...first, name: "R&D 50%_'x'", shortCode: null, onnetRateFenPerMinute: null };
    await vpn.updateSubgroup(renamed);
    expect(await vpn.subgroup('sgp_01')).toEqual(renamed);
    expect(await vpn.subgroupByShortCode('grp_01', '680')).toBeUndefined();

    await vpn.deleteSubgroup('sgp_01');
    expect(await vpn.subgroup('sgp_01')).toBeUndefined();
    expect(ids(await vpn.subgroupsOf('grp_01'))).toEqual(['sgp_03']);
  });

  it('refuses a short code taken by another sub-group of the group as a unique violation', async () => {
    await seed();
    const { vpn } = store().repos;
    await vpn.insertSubgroup(subgroupRow('sgp_01', 'grp_01', { shortCode: '680' }));
    const taken = subgroupRow('sgp_02', 'grp_01', { shortCode: '680' });
    expect(isUniqueViolation(await rejectionOf(vpn.insertSubgroup(taken)))).toBe(true);
    await vpn.insertSubgroup(subgroupRow('sgp_03', 'grp_02', { shortCode: '680' }));
    await vpn.insertSubgroup(subgroupRow('sgp_04', 'grp_01'));
    await vpn.insertSubgroup(subgroupRow('sgp_05', 'grp_01'));
    const update = subgroupRow('sgp_04', 'grp_01', { shortCode: '680' });
    expect(isUniqueViolation(await rejectionOf(vpn.updateSubgroup(update)))).toBe(true);
    expect(await vpn.subgroup('sgp_04')).toMatchObject({ shortCode: null });
  });

  it('links members to sub-groups once, unlinks them, and drops links with the sub-group', async () => {
    await seed();
    const { vpn } = store().repos;
    await vpn.insertSubgroup(subgroupRow('sgp_01', 'grp_01'));
    await vpn.insertSubgroup(subgroupRow('sgp_02', 'grp_01'));
    await vpn.link('sgp_01', 'mbr_01');
    await vpn.link('sgp_01', 'mbr_01'); // again: nothing changes, no error
    await vpn.link('sgp_01', 'mbr_02');
    await vpn.link('sgp_02', 'mbr_01');
    expect(await vpn.allLinks()).toEqual([
      { subgroupId: 'sgp_01', memberId: 'mbr_01' },
      { subgroupId: 'sgp_01', memberId: 'mbr_02' },
      { subgroupId: 'sgp_02', memberId: 'mbr_01' },
    ]);
    await vpn.unlink('sgp_01', 'mbr_02');
    await vpn.unlink('sgp_01', 'mbr_02'); // already gone
    await vpn.deleteSubgroup('sgp_02');
    expect(await vpn.allLinks()).toEqual([{ subgroupId: 'sgp_01', memberId: 'mbr_01' }]);
  });

  it('refuses a sub-group of a group that is gone, and a link to a member that is gone, as foreign key violations', async () => {
    await seed();
    const { vpn } = store().repos;
    expect(
      isForeignKeyViolation(await rejectionOf(vpn.insertSubgroup(subgroupRow('sgp_01', 'grp_gone')))),
    ).toBe(true);
    await vpn.insertSubgroup(subgroupRow('sgp_02', 'grp_01'));
    expect(isForeignKeyViolation(await rejectionOf(vpn.link('sgp_02', 'mbr_gone')))).toBe(true);
    expect(ids(await vpn.allSubgroups())).toEqual(['sgp_02']);
    expect(await vpn.allLinks()).toEqual([]);
  });
});
