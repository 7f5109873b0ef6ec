import { describe, expect, it } from 'vitest';
import { NAME_KEYS_VERSION } from '../../../../src/domain/name-keys.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../../../src/store/constraint-errors.js';
import type { MemberRow } from '../../../../src/store/member-repo.js';
import { BACKENDS } from '../../../helpers/backends.js';
import { directoryBackends, groupRow, memberRow, rejectionOf } from '../../../helpers/directory-repos.js';

const backends = directoryBackends();
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe.each(BACKENDS)('the member repository on %s', (name) => {
  const store = backends.storeFor(name);

  async function seedGroups() {
    const { groups } = store().repos;
    await groups.insert(groupRow('grp_01'));
    await groups.insert(groupRow('grp_02'));
  }

  it('reads a member by id, number and short code; updates and deletes it', async () => {
    await seedGroups();
    const { members } = store().repos;
    const row = memberRow('mbr_01', 'grp_01', '+8613800000001', {
      department: 'Sales',
      title: 'Lead',
      shortCode: '601',
    });
    await members.insert(row);
    expect(await members.byId('mbr_01')).toEqual(row);
    expect(await members.byMsisdn('+8613800000001')).toEqual(row);
    expect(await members.byShortCode('grp_01', '601')).toEqual(row);
    expect(await members.byShortCode('grp_02', '601')).toBeUndefined();
    expect(await members.byId('mbr_missing')).toBeUndefined();
    expect(await members.byMsisdn('+8613800000009')).toBeUndefined();

    const moved = {
      ...row,
      shortCode: null,
      department: null,
      status: 'suspended' as const,
      updatedAt: 1_800_000_000_000,
    };
    await members.update(moved);
    expect(await members.byId('mbr_01')).toEqual(moved);
    expect(await members.byShortCode('grp_01', '601')).toBeUndefined();

    await members.delete('mbr_01');
    expect(await members.byId('mbr_01')).toBeUndefined();
  });

  it('lists all members, and a group’s own', async () => {
    await seedGroups();
    const { members } = store().repos;
    await members.insert(memberRow('mbr_01', 'grp_01', '+8613800000001'));
    await members.insert(memberRow('mbr_02', 'grp_02', '+8613800000002'));
    await members.insert(memberRow('mbr_03', 'grp_01', '+8613800000003'));
    expect(ids(await members.all())).toEqual(['mbr_01', 'mbr_02', 'mbr_03']);
    expect(ids(await members.byGroup('grp_01'))).toEqual(['mbr_01', 'mbr_03']);
    expect(await members.byGroup('grp_missing')).toEqual([]);
  });

  it('refuses a number held by another member, and a short code taken in the group, as unique violations', async () => {
    await seedGroups();
    const { members } = store().repos;
    await members.insert(memberRow('mbr_01', 'grp_01', '+8613800000001', { shortCode: '601' }));
    const sameNumber = memberRow('mbr_02', 'grp_02', '+8613800000001');
    expect(isUniqueViolation(await rejectionOf(members.insert(sameNumber)))).toBe(true);
    const sameCode = memberRow('mbr_03', 'grp_01', '+8613800000003', { shortCode: '601' });
    expect(isUniqueViolation(await rejectionOf(members.insert(sameCode)))).toBe(true);
    // The same code in another group, and members without a code, are fine.
    await members.insert(memberRow('mbr_04', 'grp_02', '+8613800000004', { shortCode: '601' }));
    await members.insert(memberRow('mbr_05', 'grp_01', '+8613800000005'));
    await members.insert(memberRow('mbr_06', 'grp_01', '+8613800000006'));
    const taken = { ...memberRow('mbr_05', 'grp_01', '+8613800000005'), shortCode: '601' };
    expect(isUniqueViolation(await rejectionOf(members.update(taken)))).toBe(true);
    expect(ids(await members.all())).toEqual(['mbr_01', 'mbr_04', 'mbr_05', 'mbr_06']);
  });

  it('refuses a member of a group that is gone as a foreign key violation', async () => {
    const { members } = store().repos;
    const orphan = memberRow('mbr_01', 'grp_gone', '+8613800000001');
    const error = await rejectionOf(members.insert(orphan));
    expect(isForeignKeyViolation(error)).toBe(true);
    expect(isUniqueViolation(error)).toBe(false);
    expect(await members.all()).toEqual([]);
  });

  describe('search', () => {
    const seeded: MemberRow[] = [
      memberRow('mbr_01', 'grp_01', '+8613800000001', {
        name: '张兰',
        namePinyin: 'zhanglan',
        nameInitials: 'zl',
        shortCode: '601',
        department: 'Sales',
      }),
      memberRow('mbr_02', 'grp_01', '+8613800000002', {
        name: 'Zoë Adams',
        namePinyin: 'zoeadams',
        nameInitials: 'za',
        department: 'R&D',
      }),
      memberRow('mbr_03', 'grp_01', '+8613800000003', {
        name: '100%_Sure',
        namePinyin: '100sure',
        nameInitials: '1s',
        shortCode: '602',
        department: 'Sales',
      }),
      memberRow('mbr_04', 'grp_01', '+8613912345678', {
        name: "O'Neil",
        namePinyin: 'oneil',
        nameInitials: 'o',
      }),
      memberRow('mbr_05', 'grp_01', '+8613800000005', {
        name: 'ÉCOLE',
        namePinyin: 'ecole',
        nameInitials: 'e',
      }),
      memberRow('mbr_06', 'grp_01', '+8613800000006', {
        name: 'back\\slash',
        namePinyin: 'backslash',
        nameInitials: 'b',
      }),
      memberRow('mbr_07', 'grp_02', '+8613800000007', {
        name: '张兰',
        namePinyin: 'zhanglan',
        nameInitials: 'zl',
      }),
    ];
    async function seed() {
      await seedGroups();
      for (const row of seeded) await store().repos.members.insert(row);
    }
    const search = async (q: string | undefined, department?: string) =>
      ids(await store().repos.members.list('grp_01', { q, department }, { limit: 50 }));

    it('matches the name, ignoring the case of ASCII letters only', async () => {
      await seed();
      expect(await search('张')).toEqual(['mbr_01']);
      expect(await search('zoË')).toEqual([]);
      expect(await search('ZOë')).toEqual(['mbr_02']);
      expect(await search('école')).toEqual([]);
      expect(await search('Écol')).toEqual(['mbr_05']);
    });

    it('matches full pinyin anywhere and initials as a prefix, folded', async () => {
      await seed();
      expect(await search('lan')).toEqual(['mbr_01']);
      expect(await search('Zhang Lan')).toEqual(['mbr_01']);
      expect(await search('ZL')).toEqual(['mbr_01']);
      expect(await search('l')).toEqual(['mbr_01', 'mbr_04', 'mbr_05', 'mbr_06']);
      // Initials match from the start only: 'a' is inside 'za' but begins none.
      expect(await search('dams')).toEqual(['mbr_02']);
    });

    it('matches a number anywhere and a short code exactly', async () => {
      await seed();
      expect(await search('601')).toEqual(['mbr_01']);
      expect(await search('60')).toEqual([]);
      expect(await search('1234')).toEqual(['mbr_04']);
      expect(await search('+86 139-1234')).toEqual(['mbr_04']);
    });

    it('takes % _ \\ and apostrophes literally', async () => {
      await seed();
      expect(await search('%')).toEqual(['mbr_03']);
      expect(await search('_')).toEqual(['mbr_03']);
      expect(await search('0%_s')).toEqual(['mbr_03']);
      expect(await search("'")).toEqual(['mbr_04']);
      expect(await search("o'n")).toEqual(['mbr_04']);
      expect(await search('\\')).toEqual(['mbr_06']);
    });

    it('filters by department exactly, with or without a query', async () => {
      await seed();
      expect(await search(undefined, 'Sales')).toEqual(['mbr_01', 'mbr_03']);
      expect(await search(undefined, 'sales')).toEqual([]);
      expect(await search('100', 'Sales')).toEqual(['mbr_03']);
      expect(await search(undefined)).toEqual(['mbr_01', 'mbr_02', 'mbr_03', 'mbr_04', 'mbr_05', 'mbr_06']);
    });

    it('pages in id order after the cursor, one row beyond the limit', async () => {
      await seed();
      const { members } = store().repos;
      expect(ids(await members.list('grp_01', {}, { limit: 2 }))).toEqual(['mbr_01', 'mbr_02', 'mbr_03']);
      expect(ids(await members.list('grp_01', {}, { limit: 2, cursor: 'mbr_04' }))).toEqual([
        'mbr_05',
        'mbr_06',
      ]);
      expect(ids(await members.list('grp_01', { q: 'l' }, { limit: 1, cursor: 'mbr_01' }))).toEqual([
        'mbr_04',
        'mbr_05',
      ]);
    });
  });

  describe('rekeying names', () => {
    const keysOf = (name: string) => ({ pinyin: `k-${name}`, initials: name.slice(0, 1) });

    it('rewrites stale keys once, answering how many changed', async () => {
      await seedGroups();
      const { members } = store().repos;
      await members.insert(
        memberRow('mbr_01', 'grp_01', '+8613800000001', { name: 'a', namePinyin: 'old', nameInitials: 'o' }),
      );
      await members.insert(
        memberRow('mbr_02', 'grp_01', '+8613800000002', { name: 'b', namePinyin: 'k-b', nameInitials: 'b' }),
      );
      await members.insert(
        memberRow('mbr_03', 'grp_01', '+8613800000003', { name: 'c', namePinyin: 'k-c', nameInitials: 'x' }),
      );
      const changed = await members.rekeyNames(keysOf);
      expect(changed).toBe(2);
      expect(await members.byId('mbr_01')).toMatchObject({ namePinyin: 'k-a', nameInitials: 'a' });
      expect(await members.byId('mbr_03')).toMatchObject({ namePinyin: 'k-c', nameInitials: 'c' });
      // The version is stored: the next start rekeys nothing, even keys that would change.
      await members.update({
        ...memberRow('mbr_02', 'grp_01', '+8613800000002'),
        name: 'b',
        namePinyin: 'stale',
      });
      expect(await members.rekeyNames(keysOf)).toBe(0);
      expect(await members.byId('mbr_02')).toMatchObject({ namePinyin: 'stale' });
      expect(NAME_KEYS_VERSION).toBeGreaterThan(0);
    });

    it('changes nothing when it fails half-way, and does it all at the next start', async () => {
      await seedGroups();
      const { members } = store().repos;
      await members.insert(memberRow('mbr_01', 'grp_01', '+8613800000001', { name: 'a', namePinyin: 'old' }));
      await members.insert(memberRow('mbr_02', 'grp_01', '+8613800000002', { name: 'b', namePinyin: 'old' }));
      const failing = (name: string) => {
        if (name === 'b') throw new Error('cannot key b');
        return keysOf(name);
      };
      await expect(members.rekeyNames(failing)).rejects.toThrow('cannot key b');
      expect(await members.byId('mbr_01')).toMatchObject({ namePinyin: 'old' });
      expect(await members.rekeyNames(keysOf)).toBe(2);
      expect(await members.byId('mbr_01')).toMatchObject({ namePinyin: 'k-a' });
    });
  });
});
