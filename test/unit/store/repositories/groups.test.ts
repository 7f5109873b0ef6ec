import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../../../src/store/constraint-errors.js';
import { BACKENDS } from '../../../helpers/backends.js';
import { directoryBackends, groupRow, memberRow, rejectionOf } from '../../../helpers/directory-repos.js';
import { expectSecondLockWaits } from '../../../helpers/lock-wait.js';

const backends = directoryBackends();

describe.each(BACKENDS)('the group repository on %s', (name) => {
  const store = backendsStore(name);

  it('reads, updates and deletes a group; a missing one is undefined', async () => {
    const { groups } = store().repos;
    const row = groupRow('grp_01', { city: 'CN-HE-SJZ' });
    await groups.insert(row);
    expect(await groups.byId('grp_01')).toEqual(row);
    expect(await groups.byId('grp_missing')).toBeUndefined();

    const renamed = { ...row, name: "O'Brien & 50%_Co", city: null, updatedAt: 1_800_000_000_000 };
    await groups.update(renamed);
    expect(await groups.byId('grp_01')).toEqual(renamed);

    await groups.delete('grp_01');
    expect(await groups.byId('grp_01')).toBeUndefined();
    await expect(groups.delete('grp_01')).resolves.toBeUndefined();
  });

  it('refuses a second group with the same id as a unique violation', async () => {
    const { groups } = store().repos;
    await groups.insert(groupRow('grp_01'));
    expect(isUniqueViolation(await rejectionOf(groups.insert(groupRow('grp_01', { name: 'other' }))))).toBe(
      true,
    );
    expect(await groups.byId('grp_01')).toMatchObject({ name: 'Group grp_01' });
  });

  // SQLite answers `all` in insertion order, PostgreSQL in id order: the same for ULIDs made in order.
  it('lists every group', async () => {
    const { groups } = store().repos;
    for (const id of ['grp_01', 'grp_02', 'grp_03']) await groups.insert(groupRow(id));
    expect((await groups.all()).map((g) => g.id)).toEqual(['grp_01', 'grp_02', 'grp_03']);
  });

  it('pages in id order after the cursor, one row beyond the limit, within the scope', async () => {
    const { groups } = store().repos;
    for (const id of ['grp_01', 'grp_02', 'grp_03', 'grp_04', 'grp_05']) await groups.insert(groupRow(id));
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

    expect(ids(await groups.list({ limit: 2 }, null))).toEqual(['grp_01', 'grp_02', 'grp_03']);
    expect(ids(await groups.list({ limit: 2, cursor: 'grp_03' }, null))).toEqual(['grp_04', 'grp_05']);
    expect(ids(await groups.list({ limit: 2, cursor: 'grp_05' }, null))).toEqual([]);
    // A cursor between ids (byte order: '_' sorts after digits and capitals, before lower case).
    expect(ids(await groups.list({ limit: 10, cursor: 'grp_02~' }, null))).toEqual([
      'grp_03',
      'grp_04',
      'grp_05',
    ]);

    const scope = new Set(['grp_05', 'grp_02', 'grp_04', 'grp_elsewhere']);
    expect(ids(await groups.list({ limit: 1 }, scope))).toEqual(['grp_02', 'grp_04']);
    expect(ids(await groups.list({ limit: 5, cursor: 'grp_02' }, scope))).toEqual(['grp_04', 'grp_05']);
    expect(await groups.list({ limit: 5 }, new Set())).toEqual([]);
  });

  it('compares ids byte by byte, as SQLite does', async () => {
    const { groups } = store().repos;
    for (const id of ['grp_a', 'grp_B', 'grp_Z', 'grp_b']) await groups.insert(groupRow(id));
    expect((await groups.list({ limit: 10 }, null)).map((g) => g.id)).toEqual([
      'grp_B',
      'grp_Z',
      'grp_a',
      'grp_b',
    ]);
    expect((await groups.list({ limit: 10, cursor: 'grp_Z' }, null)).map((g) => g.id)).toEqual([
      'grp_a',
      'grp_b',
    ]);
  });

  it('counts the members of a group as a number', async () => {
    const { groups, members } = store().repos;
    await groups.insert(groupRow('grp_01'));
    await groups.insert(groupRow('grp_02'));
    expect(await groups.memberCount('grp_01')).toBe(0);
    await members.insert(memberRow('mbr_01', 'grp_01', '+8613800000001'));
    await members.insert(memberRow('mbr_02', 'grp_01', '+8613800000002'));
    await members.insert(memberRow('mbr_03', 'grp_02', '+8613800000003'));
    const count = await groups.memberCount('grp_01');
    expect(count).toBe(2);
    expect(typeof count).toBe('number');
    expect(await groups.memberCount('grp_missing')).toBe(0);
  });

  it('reads the row to lock in a transaction, and undefined when there is none', async () => {
    const s = store();
    await s.repos.groups.insert(groupRow('grp_01'));
    await s.transaction(async (tx) => {
      expect(await tx.groups.lock('grp_01')).toEqual(groupRow('grp_01'));
      expect(await tx.groups.lock('grp_missing')).toBeUndefined();
    });
  });

  if (name === 'postgres') {
    it("makes a second transaction's lock of the group wait until the first commits", async () => {
      const s = store();
      await s.repos.groups.insert(groupRow('grp_01'));
      const seen = await expectSecondLockWaits(backends.postgres, s, {
        lock: (tx) => tx.groups.lock('grp_01'),
        write: (tx) => tx.groups.update(groupRow('grp_01', { name: 'first' })),
        second: (tx) => tx.groups.lock('grp_01'),
      });
      expect(seen?.name).toBe('first');
    });
  }
});

function backendsStore(name: (typeof BACKENDS)[number]) {
  return backends.storeFor(name);
}
