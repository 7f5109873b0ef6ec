import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../../db/sqlite/index.js';
import { simulatedClock } from '../../../src/domain/clock.js';
import { createContactService } from '../../../src/services/contacts.js';
import { createGroupService } from '../../../src/services/groups.js';
import { createMemberService } from '../../../src/services/members.js';
import { createVpnService } from '../../../src/services/vpn.js';
import type { AppStore, Repositories } from '../../../src/store/repositories.js';
import { createDirectoryWriter } from '../../../src/store/routing-directory/index.js';
import { createSqliteBackedStore } from '../../../src/store/sqlite-repositories.js';

/**
 * The taken-once rules when the store answers later than the next request arrives, as a
 * networked database (PostgreSQL) does: every repository call waits a turn of the event loop
 * first, so concurrent requests all pass the in-memory checks before any of them commits. The
 * services must still let exactly one holder through and refuse the others with the 409.
 */

const turn = () => new Promise((resolve) => setImmediate(resolve));

function lagging(repos: Repositories): Repositories {
  const wrapped: Record<string, Record<string, unknown>> = {};
  for (const [name, repo] of Object.entries(repos)) {
    const methods: Record<string, unknown> = {};
    for (const [key, method] of Object.entries(repo as Record<string, (...args: unknown[]) => unknown>)) {
      methods[key] = async (...args: unknown[]) => {
        await turn();
        return method(...args);
      };
    }
    wrapped[name] = methods;
  }
  return wrapped as unknown as Repositories;
}

function laggingStore(store: AppStore): AppStore {
  return {
    dialect: store.dialect,
    repos: lagging(store.repos),
    transaction: (work) => store.transaction((tx) => work(lagging(tx))),
  };
}

let db: Db;
let services: ReturnType<typeof build>;

function build() {
  const store = laggingStore(createSqliteBackedStore(db));
  const writer = createDirectoryWriter(null);
  const directory = writer.directory;
  const clock = simulatedClock(Date.parse('2026-11-24T09:00:00+08:00'));
  const groups = createGroupService({ store, directory, writer, clock });
  const members = createMemberService({ store, groups, directory, writer, clock });
  const vpn = createVpnService({ store, groups, members, directory, writer, clock });
  const contacts = createContactService({
    repos: store.repos,
    groups,
    directory,
    clock,
  });
  return { groups, members, vpn, contacts, directory };
}

beforeEach(() => {
  db = openDatabase(':memory:');
  services = build();
});
afterEach(() => db.$client.close());

/** Exactly one fulfilled; every rejection is the AppError `code`. */
function expectOneWinner<T>(results: PromiseSettledResult<T>[], code: string): T {
  const won = results.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(won, lost.map((r) => String(r.reason)).join('; ')).toHaveLength(1);
  for (const r of lost) expect(r.reason).toMatchObject({ name: 'AppError', code });
  return won[0]!.value;
}

async function vpnGroup() {
  const group = await services.groups.create({
    name: '河北华北电力设备有限公司',
    institutionType: 'enterprise',
    valueTier: 'A1',
    province: 'CN-HE',
  });
  await services.vpn.put(group.id, {
    shortCodeLength: { min: 3, max: 6 },
    crossProvince: false,
    showShortCode: true,
  });
  return group.id;
}

const numbers = ['+8613803110001', '+8613803110002', '+8613803110003', '+8613803110004'];

describe('with a store slower than the requests', () => {
  it('one MSISDN added four times at once: one member, three msisdn_taken', async () => {
    const groupId = await vpnGroup();
    const results = await Promise.allSettled(
      [0, 1, 2, 3].map((i) => services.members.create(groupId, { msisdn: numbers[0]!, name: `王明${i}` })),
    );
    const winner = expectOneWinner(results, 'msisdn_taken');
    const page = await services.members.list(groupId, {}, { limit: 10 });
    expect(page.items.map((m) => m.id)).toEqual([winner.id]);
    expect(services.directory.membersByMsisdn.get(numbers[0]!)?.id).toBe(winner.id);
  });

  it('one short code asked for by members and sub-groups at once: one holder, in the store and in memory', async () => {
    const groupId = await vpnGroup();
    const members = [];
    for (const msisdn of numbers)
      members.push(await services.members.create(groupId, { msisdn, name: '成员' }));
    const office = await services.vpn.createSubgroup(groupId, { name: '办公室' });
    const results = await Promise.allSettled<unknown>([
      ...members.map((m) => services.members.update(groupId, m.id, { shortCode: '801' })),
      services.vpn.updateSubgroup(groupId, office.id, { shortCode: '801' }),
      services.vpn.createSubgroup(groupId, { name: '财务部', shortCode: '801' }),
      services.vpn.createSubgroup(groupId, { name: '工程部', shortCode: '801' }),
    ]);
    const winner = expectOneWinner(results, 'short_code_taken') as { id: string };
    const memberHolders = (await services.members.list(groupId, {}, { limit: 10 })).items.filter(
      (m) => m.shortCode === '801',
    );
    const subgroupHolders = (await services.vpn.listSubgroups(groupId)).filter((s) => s.shortCode === '801');
    expect([...memberHolders, ...subgroupHolders].map((h) => h.id)).toEqual([winner.id]);
    expect(services.directory.groups.get(groupId)?.shortCodes.get('801')?.id).toBe(winner.id);
  });

  it("one number added to a group's address book at once: one contact, the others contact_exists", async () => {
    const groupId = await vpnGroup();
    const results = await Promise.allSettled(
      [0, 1, 2].map((i) =>
        services.contacts.group.create(groupId, { name: `供应商${i}`, msisdn: '+8613312345678' }),
      ),
    );
    const winner = expectOneWinner(results, 'contact_exists');
    const book = await services.contacts.group.list(groupId, undefined, { limit: 10 });
    expect(book.items.map((c) => c.id)).toEqual([winner.id]);
  });
});

describe('a member added while its group is deleted', () => {
  it('either the member is added and the delete refused, or the group goes and the add is a 404', async () => {
    const outcomes = new Set<string>();
    // The delete starts a few turns after the add, so that it lands at each of the add's steps.
    for (let delay = 0; delay < 6; delay++) {
      const groupId = await vpnGroup();
      const added = services.members.create(groupId, { msisdn: numbers[delay % 4]!, name: '王明' });
      for (let i = 0; i < delay; i++) await turn();
      const [add, remove] = await Promise.allSettled([added, services.groups.remove(groupId)]);
      if (add.status === 'fulfilled') {
        expect(remove).toMatchObject({ status: 'rejected', reason: { code: 'group_has_members' } });
        expect(services.directory.membersById.get(add.value.id)?.groupId).toBe(groupId);
        await services.members.remove(groupId, add.value.id);
        outcomes.add('added');
      } else {
        expect(add.reason).toMatchObject({ name: 'AppError', code: 'not_found' });
        expect(remove.status).toBe('fulfilled');
        expect(services.directory.groups.has(groupId)).toBe(false);
        outcomes.add('deleted');
      }
    }
    // Both orders were met: the add's insert landing after the delete committed included.
    expect([...outcomes].sort()).toEqual(['added', 'deleted']);
  });
});
