import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../../../db/postgres/index.js';
import { isUniqueViolation } from '../../../../src/store/constraint-errors.js';
import type { BookOwner } from '../../../../src/store/contact-repo.js';
import { createPostgresStore, type PgExecutor } from '../../../../src/store/postgres-store.js';
import { BACKENDS } from '../../../helpers/backends.js';
import {
  contactRow,
  createPostgresDirectoryRepos,
  directoryBackends,
  groupRow,
  memberRow,
  rejectionOf,
} from '../../../helpers/directory-repos.js';
import { createTestDatabase } from '../../../helpers/postgres.js';

const backends = directoryBackends();
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

const shared = { groupId: 'grp_01', ownerMsisdn: null };
const personal = { groupId: null, ownerMsisdn: '+8613800000001' };
const groupBook: BookOwner = { groupId: 'grp_01' };
const ownBook: BookOwner = { ownerMsisdn: '+8613800000001' };

describe.each(BACKENDS)('the contact repository on %s', (name) => {
  const store = backends.storeFor(name);

  async function seedGroups() {
    await store().repos.groups.insert(groupRow('grp_01'));
    await store().repos.groups.insert(groupRow('grp_02'));
  }

  it('reads an entry within its own book only, by id or number; updates and deletes it', async () => {
    await seedGroups();
    const { contacts } = store().repos;
    const row = contactRow('ctc_01', shared, '+8613900000001', { department: 'Legal', note: 'after 9' });
    await contacts.insert(row);
    await contacts.insert(contactRow('ctc_02', personal, '+8613900000001'));
    expect(await contacts.get(groupBook, 'ctc_01')).toEqual(row);
    expect(await contacts.get(ownBook, 'ctc_01')).toBeUndefined();
    expect(await contacts.get({ groupId: 'grp_02' }, 'ctc_01')).toBeUndefined();
    expect(await contacts.byMsisdn(groupBook, '+8613900000001')).toEqual(row);
    expect((await contacts.byMsisdn(ownBook, '+8613900000001'))?.id).toBe('ctc_02');
    expect(await contacts.byMsisdn(groupBook, '+8613900000009')).toBeUndefined();

    const edited = { ...row, name: 'Renamed', department: null, note: null, updatedAt: 1_800_000_000_000 };
    await contacts.update(edited);
    expect(await contacts.get(groupBook, 'ctc_01')).toEqual(edited);
    await contacts.delete('ctc_01');
    expect(await contacts.get(groupBook, 'ctc_01')).toBeUndefined();
    expect(await contacts.get(ownBook, 'ctc_02')).toBeDefined();
  });

  it('refuses a number twice in one book as a unique violation, and allows it in another', async () => {
    await seedGroups();
    const { contacts } = store().repos;
    await contacts.insert(contactRow('ctc_01', shared, '+8613900000001'));
    await contacts.insert(contactRow('ctc_02', personal, '+8613900000001'));
    const again = contactRow('ctc_03', shared, '+8613900000001');
    expect(isUniqueViolation(await rejectionOf(contacts.insert(again)))).toBe(true);
    const againOwn = contactRow('ctc_04', personal, '+8613900000001');
    expect(isUniqueViolation(await rejectionOf(contacts.insert(againOwn)))).toBe(true);
    await contacts.insert(contactRow('ctc_05', { groupId: 'grp_02', ownerMsisdn: null }, '+8613900000001'));
    await contacts.insert(contactRow('ctc_06', shared, '+8613900000002'));
    const clash = contactRow('ctc_06', shared, '+8613900000001');
    expect(isUniqueViolation(await rejectionOf(contacts.update(clash)))).toBe(true);
    expect(ids(await contacts.list(groupBook, undefined, { limit: 10 }))).toEqual(['ctc_01', 'ctc_06']);
  });

  it('pages a book in id order after the cursor, one row beyond the limit', async () => {
    await seedGroups();
    const { contacts } = store().repos;
    for (const n of [1, 2, 3, 4, 5])
      await contacts.insert(contactRow(`ctc_0${n}`, shared, `+861390000000${n}`));
    await contacts.insert(contactRow('ctc_06', personal, '+8613900000006'));
    expect(ids(await contacts.list(groupBook, undefined, { limit: 2 }))).toEqual([
      'ctc_01',
      'ctc_02',
      'ctc_03',
    ]);
    expect(ids(await contacts.list(groupBook, undefined, { limit: 2, cursor: 'ctc_03' }))).toEqual([
      'ctc_04',
      'ctc_05',
    ]);
    expect(ids(await contacts.list(ownBook, undefined, { limit: 2 }))).toEqual(['ctc_06']);
  });

  it('searches names (ASCII case folded only) and numbers, taking % _ \\ and apostrophes literally', async () => {
    await seedGroups();
    const { contacts } = store().repos;
    const names = ['Zoë Adams', "O'Brien", '100%_Off', 'ÉCOLE', 'back\\slash', '王芳'];
    for (const [i, contactName] of names.entries()) {
      await contacts.insert(
        contactRow(`ctc_0${i + 1}`, shared, `+86139000000${i + 1}0`, { name: contactName }),
      );
    }
    const search = async (q: string) => ids(await contacts.list(groupBook, q, { limit: 50 }));
    expect(await search('adams')).toEqual(['ctc_01']);
    expect(await search('ZOë')).toEqual(['ctc_01']);
    expect(await search('zoË')).toEqual([]);
    expect(await search('écOLE')).toEqual([]);
    expect(await search('Écol')).toEqual(['ctc_04']);
    expect(await search("o'b")).toEqual(['ctc_02']);
    expect(await search('%')).toEqual(['ctc_03']);
    expect(await search('_')).toEqual(['ctc_03']);
    expect(await search('\\')).toEqual(['ctc_05']);
    expect(await search('王')).toEqual(['ctc_06']);
    expect(await search(' 00000030 ')).toEqual(['ctc_03']);
    expect(await search('+86')).toEqual(['ctc_01', 'ctc_02', 'ctc_03', 'ctc_04', 'ctc_05', 'ctc_06']);
    expect(ids(await contacts.list(groupBook, '+86', { limit: 2, cursor: 'ctc_02' }))).toEqual([
      'ctc_03',
      'ctc_04',
      'ctc_05',
    ]);
  });
});

describe('searches on PostgreSQL in a database whose locale folds and orders otherwise', () => {
  it('fold the case of ASCII letters only and page in byte order, as on SQLite', async () => {
    const database = await createTestDatabase({ icuLocale: 'en-US' });
    const postgres = await openPostgres(database.url); // migrates it
    try {
      const { repos } = createPostgresStore(
        postgres.db as unknown as PgExecutor,
        createPostgresDirectoryRepos,
      );
      await repos.groups.insert(groupRow('grp_01'));
      const names = ['ÉCOLE', 'école', 'Zoë', 'ZOË'];
      for (const [i, entry] of ['ctc_a', 'ctc_B', 'ctc_b', 'ctc_Z'].entries()) {
        await repos.contacts.insert(contactRow(entry, shared, `+86139000000${i}`, { name: names[i] }));
        await repos.members.insert(
          memberRow(entry.replace('ctc', 'mbr'), 'grp_01', `+86138000000${i}`, { name: names[i] }),
        );
      }
      const contacts = (q: string) => repos.contacts.list(groupBook, q, { limit: 10 }).then(ids);
      const members = (q: string) => repos.members.list('grp_01', { q }, { limit: 10 }).then(ids);
      expect(await contacts('écOLE')).toEqual(['ctc_B']);
      expect(await contacts('zoË')).toEqual(['ctc_Z']);
      expect(await members('écOLE')).toEqual(['mbr_B']);
      expect(await contacts('')).toEqual(['ctc_B', 'ctc_Z', 'ctc_a', 'ctc_b']);
      expect(ids(await repos.contacts.list(groupBook, undefined, { limit: 10, cursor: 'ctc_Z' }))).toEqual([
        'ctc_a',
        'ctc_b',
      ]);
    } finally {
      await postgres.close();
      await database.drop();
    }
  });
});
