import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, createTestApp, type TestApp } from '../../helpers/app.js';
import {
  addMember,
  addSubgroup,
  createSubgroup,
  createVpnGroup,
  NUMBERS,
  patchMember,
  problem,
} from '../vpn/fixtures.js';

/**
 * What may be taken once (a number, a short code in a group, a number in an address book) stays
 * taken once when the requests arrive together: exactly one is let through, the others get the
 * same 409 the check gives, and the state after holds one row. On the embedded SQLite store a
 * request's awaits settle within one turn, so these requests barely overlap; the services' own
 * race tests (test/unit/services/short-code-races.test.ts) make the store answer late so that
 * every request passes the in-memory checks before any commits.
 */

const RACERS = 6;

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

/** Exactly one success (`ok`), every other answer the given 409; answers the winner. */
function expectOneWinner(responses: LightMyRequestResponse[], ok: number, code: string) {
  const statuses = responses.map((r) => r.statusCode);
  expect(
    statuses.filter((s) => s === ok),
    statuses.join(','),
  ).toHaveLength(1);
  for (const res of responses) {
    if (res.statusCode !== ok) expect(problem(res)).toMatchObject({ status: 409, code });
  }
  return responses.find((r) => r.statusCode === ok)!;
}

const listMembers = async (groupId: string, q?: string) =>
  (
    await t.call({
      method: 'GET',
      url: `/v1/groups/${groupId}/members`,
      query: q === undefined ? {} : { q },
    })
  ).json().items as Array<{ id: string; msisdn: string; shortCode: string | null }>;

describe('the same MSISDN added at once', () => {
  it('to one group: one member, the others msisdn_taken', async () => {
    const groupId = await createGroup(t);
    const responses = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        t.call({
          method: 'POST',
          url: `/v1/groups/${groupId}/members`,
          payload: { msisdn: NUMBERS.wang, name: `王明${i}` },
        }),
      ),
    );
    const winner = expectOneWinner(responses, 201, 'msisdn_taken');
    const members = await listMembers(groupId);
    expect(members.map((m) => m.id)).toEqual([winner.json().id]);
  });

  it('to different groups: one member across them', async () => {
    const groupIds = await Promise.all([createGroup(t), createGroup(t), createGroup(t)]);
    const responses = await Promise.all(
      groupIds.flatMap((groupId) =>
        [0, 1].map(() =>
          t.call({
            method: 'POST',
            url: `/v1/groups/${groupId}/members`,
            payload: { msisdn: NUMBERS.li, name: '李娜' },
          }),
        ),
      ),
    );
    expectOneWinner(responses, 201, 'msisdn_taken');
    const held = await Promise.all(groupIds.map((groupId) => listMembers(groupId)));
    expect(held.flat()).toHaveLength(1);
  });

  it('by members changing their number to the same one: one holds it', async () => {
    const groupId = await createGroup(t);
    const members = await Promise.all(
      [NUMBERS.wang, NUMBERS.li, NUMBERS.zhang].map((msisdn) => addMember(t, groupId, msisdn)),
    );
    const responses = await Promise.all(
      members.map((m) => patchMember(t, groupId, m.id, { msisdn: NUMBERS.chen })),
    );
    expectOneWinner(responses, 200, 'msisdn_taken');
    const after = await listMembers(groupId);
    expect(after.filter((m) => m.msisdn === `+86${NUMBERS.chen}`)).toHaveLength(1);
  });
});

describe('the same short code assigned at once', () => {
  it('to several members: one holds it, the others short_code_taken', async () => {
    const groupId = await createVpnGroup(t);
    const members = await Promise.all(
      [NUMBERS.wang, NUMBERS.li, NUMBERS.zhang, NUMBERS.liu].map((msisdn) => addMember(t, groupId, msisdn)),
    );
    const responses = await Promise.all(
      members.map((m) => patchMember(t, groupId, m.id, { shortCode: '801' })),
    );
    const winner = expectOneWinner(responses, 200, 'short_code_taken');
    const holders = (await listMembers(groupId)).filter((m) => m.shortCode === '801');
    expect(holders.map((m) => m.id)).toEqual([winner.json().id]);
  });

  it('to several new sub-groups: one is created', async () => {
    const groupId = await createVpnGroup(t);
    const responses = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        createSubgroup(t, groupId, { name: `部门${i}`, shortCode: '802' }),
      ),
    );
    const winner = expectOneWinner(responses, 201, 'short_code_taken');
    const list = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/subgroups` });
    expect(list.json().items.map((s: { id: string }) => s.id)).toEqual([winner.json().id]);
  });

  it('to existing sub-groups and members together: one holder across both', async () => {
    const groupId = await createVpnGroup(t);
    const members = await Promise.all(
      [NUMBERS.wang, NUMBERS.li].map((msisdn) => addMember(t, groupId, msisdn)),
    );
    const subgroups = await Promise.all(
      ['办公室', '财务部'].map((name) => addSubgroup(t, groupId, { name })),
    );
    const responses = await Promise.all([
      ...members.map((m) => patchMember(t, groupId, m.id, { shortCode: '803' })),
      ...subgroups.map((s) =>
        t.call({
          method: 'PATCH',
          url: `/v1/groups/${groupId}/subgroups/${s.id}`,
          payload: { shortCode: '803' },
        }),
      ),
      createSubgroup(t, groupId, { name: '新部门', shortCode: '803' }),
    ]);
    const successes = responses.filter((r) => r.statusCode === 200 || r.statusCode === 201);
    expect(successes, responses.map((r) => r.statusCode).join(',')).toHaveLength(1);
    for (const res of responses) {
      if (!successes.includes(res))
        expect(problem(res)).toMatchObject({ status: 409, code: 'short_code_taken' });
    }
    const memberHolders = (await listMembers(groupId)).filter((m) => m.shortCode === '803');
    const list = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/subgroups` });
    const subgroupHolders = list
      .json()
      .items.filter((s: { shortCode: string | null }) => s.shortCode === '803');
    expect(memberHolders.length + subgroupHolders.length).toBe(1);
    // The routing directory agrees with the store: it names the one holder.
    const holder = [...memberHolders, ...subgroupHolders][0] as { id: string };
    expect(t.app.services.directory.groups.get(groupId)?.shortCodes.get('803')?.id).toBe(holder.id);
  });
});

describe('the same number added to one address book at once', () => {
  it("a group's shared book keeps one entry, the others contact_exists", async () => {
    const groupId = await createGroup(t);
    const url = `/v1/groups/${groupId}/contacts`;
    const responses = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        t.call({ method: 'POST', url, payload: { name: `供应商${i}`, msisdn: NUMBERS.stranger } }),
      ),
    );
    const winner = expectOneWinner(responses, 201, 'contact_exists');
    const book = (await t.call({ method: 'GET', url })).json().items as Array<{ id: string }>;
    expect(book.map((c) => c.id)).toEqual([winner.json().id]);
  });

  it("a person's own book keeps one entry", async () => {
    const groupId = await createGroup(t);
    await addMember(t, groupId, NUMBERS.wang);
    const url = `/v1/address-books/${encodeURIComponent(`+86${NUMBERS.wang}`)}/contacts`;
    const responses = await Promise.all(
      Array.from({ length: RACERS }, () =>
        t.call({ method: 'POST', url, payload: { name: '老同学', msisdn: NUMBERS.stranger } }),
      ),
    );
    expectOneWinner(responses, 201, 'contact_exists');
    expect((await t.call({ method: 'GET', url })).json().items).toHaveLength(1);
  });
});
