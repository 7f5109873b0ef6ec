import { createHash } from 'node:crypto';
import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_TARIFF } from '../../../src/engines/rating/sample-tariff.js';
import {
  ADMIN_KEY,
  createGroup,
  createMember,
  createPartnerKey,
  createTestApp,
  HEBEI_ENTERPRISE,
  type TestApp,
} from '../../helpers/app.js';

type Res = Awaited<ReturnType<TestApp['call']>>;

function expectProblem(res: Res, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
}

let t: TestApp;
let groupA: string;
let groupB: string;
let keyA: string;
let msisdnSeq = 0;
const nextMsisdn = () => `1390000${String(++msisdnSeq).padStart(4, '0')}`;

beforeAll(async () => {
  t = await createTestApp();
  groupA = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '甲集团' });
  groupB = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '乙集团' });
  for (const g of [groupA, groupB]) {
    const res = await t.call({ method: 'PUT', url: `/v1/groups/${g}/vpn`, payload: {} });
    expect(res.statusCode).toBe(201);
  }
  keyA = await createPartnerKey(t, [groupA]);
});
afterAll(async () => {
  await t.close();
});

describe('authentication', () => {
  it.each([
    ['no Authorization header', {}],
    ['an unknown key', { authorization: 'Bearer sk_not_a_real_key' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['another scheme', { authorization: `Basic ${ADMIN_KEY}` }],
    ['the bare key', { authorization: ADMIN_KEY }],
  ])('answers %s with a 401 problem', async (_, headers) => {
    for (const [method, url] of [
      ['GET', '/v1/groups'],
      ['GET', `/v1/groups/${groupA}`],
      ['POST', '/v1/route'],
      ['GET', '/v1/sim/clock'],
    ] as const) {
      const res = await t.call({
        method,
        url,
        key: null,
        headers,
        ...(method === 'POST' && { payload: {} }),
      });
      expectProblem(res, 401, 'unauthorized');
    }
  });

  it('takes the scheme name in any case', async () => {
    const res = await t.call({
      method: 'GET',
      url: '/v1/groups',
      key: null,
      headers: { authorization: `bearer ${ADMIN_KEY}` },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('POST /v1/api-keys', () => {
  it('creates a partner key (201) that is shown once and stored only as a hash', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: '合作伙伴', groupIds: [groupA] },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      id: expect.any(String),
      key: expect.any(String),
      name: '合作伙伴',
      groupIds: [groupA],
    });
    expect(created.key.length).toBeGreaterThanOrEqual(24);

    const rows = await t.sql('SELECT * FROM api_keys');
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(created.key);
    // A keyed hash: the plain SHA-256 of the key (what a stolen table could be checked against) is not stored.
    expect(new Set(rows.map((r) => r.hash_scheme))).toEqual(new Set(['hmac-sha256']));
    expect(rows.map((r) => r.key_hash)).not.toContain(createHash('sha256').update(created.key).digest('hex'));

    const used = await t.call({ method: 'GET', url: `/v1/groups/${groupA}`, key: created.key });
    expect(used.statusCode).toBe(200);
  });

  it('gives a different key each time', async () => {
    const a = await createPartnerKey(t, [groupA]);
    const b = await createPartnerKey(t, [groupA]);
    expect(a).not.toBe(b);
  });

  it('refuses unknown group ids with a 400 naming the entry', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'x', groupIds: [groupA, 'grp_nope'] },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'body.groupIds.1' })]);
  });
});

describe('admin-only routes refuse a partner key with 403 and change nothing', () => {
  it('POST /v1/groups', async () => {
    const before = (await t.call({ method: 'GET', url: '/v1/groups' })).json().items.length;
    expectProblem(
      await t.call({ method: 'POST', url: '/v1/groups', payload: HEBEI_ENTERPRISE, key: keyA }),
      403,
      'forbidden',
    );
    expect((await t.call({ method: 'GET', url: '/v1/groups' })).json().items.length).toBe(before);
  });

  it('POST /v1/api-keys (a partner cannot widen its own scope)', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'x', groupIds: [groupA, groupB] },
      key: keyA,
    });
    expectProblem(res, 403, 'forbidden');
  });

  it('DELETE /v1/groups/{groupId}, even of its own group', async () => {
    const lonely = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '空集团' });
    const key = await createPartnerKey(t, [lonely]);
    expectProblem(await t.call({ method: 'DELETE', url: `/v1/groups/${lonely}`, key }), 403, 'forbidden');
    expectProblem(
      await t.call({ method: 'DELETE', url: `/v1/groups/${groupB}`, key: keyA }),
      403,
      'forbidden',
    );
    expect((await t.call({ method: 'GET', url: `/v1/groups/${lonely}` })).statusCode).toBe(200);
  });

  it('PUT /v1/tariffs', async () => {
    const before = (await t.call({ method: 'GET', url: '/v1/tariffs' })).json();
    const version = { ...SAMPLE_TARIFF, effectiveFrom: '2027-01-01' };
    expectProblem(
      await t.call({ method: 'PUT', url: '/v1/tariffs', payload: version, key: keyA }),
      403,
      'forbidden',
    );
    expect((await t.call({ method: 'GET', url: '/v1/tariffs', key: keyA })).json()).toEqual(before);
  });
});

describe('a partner key sees only its groups', () => {
  it('GET /v1/groups lists only group A', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/groups', key: keyA });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((g: { id: string }) => g.id)).toEqual([groupA]);
    const admin = (await t.call({ method: 'GET', url: '/v1/groups?limit=500' })).json();
    expect(admin.items.map((g: { id: string }) => g.id)).toEqual(expect.arrayContaining([groupA, groupB]));
  });

  it('a key scoped to A and B lists both, and a key with no groups lists none', async () => {
    const both = await createPartnerKey(t, [groupA, groupB]);
    const ids = (await t.call({ method: 'GET', url: '/v1/groups', key: both }))
      .json()
      .items.map((g: { id: string }) => g.id);
    expect(ids.sort()).toEqual([groupA, groupB].sort());
    const none = await createPartnerKey(t, []);
    expect((await t.call({ method: 'GET', url: '/v1/groups', key: none })).json()).toEqual({
      items: [],
      nextCursor: null,
    });
    expectProblem(await t.call({ method: 'GET', url: `/v1/groups/${groupA}`, key: none }), 404, 'not_found');
  });
});

/** Fresh resources in one group, so destructive calls never interfere. */
interface Fixture {
  groupId: string;
  memberId: string;
  subgroupId: string;
}

async function fixture(groupId: string): Promise<Fixture> {
  const member = await createMember(t, groupId, { msisdn: nextMsisdn(), name: '张兰' });
  const sub = await t.call({
    method: 'POST',
    url: `/v1/groups/${groupId}/subgroups`,
    payload: { name: '销售组' },
  });
  expect(sub.statusCode).toBe(201);
  return { groupId, memberId: member.id, subgroupId: sub.json().id };
}

interface ScopedRoute {
  name: string;
  method: HTTPMethods;
  url: (f: Fixture) => string;
  payload?: (f: Fixture) => object;
  /** Status of the call on the key's own group. */
  ok: number;
}

const g = (f: Fixture) => `/v1/groups/${f.groupId}`;

/** Every group-scoped route. Add new ones here: each is checked in and out of scope. */
const GROUP_SCOPED: ScopedRoute[] = [
  { name: 'get group', method: 'GET', url: g, ok: 200 },
  { name: 'patch group', method: 'PATCH', url: g, payload: () => ({ city: '保定' }), ok: 200 },
  { name: 'list members', method: 'GET', url: (f) => `${g(f)}/members`, ok: 200 },
  { name: 'search members', method: 'GET', url: (f) => `${g(f)}/members?q=zl`, ok: 200 },
  {
    name: 'create member',
    method: 'POST',
    url: (f) => `${g(f)}/members`,
    payload: () => ({ msisdn: nextMsisdn(), name: '李四' }),
    ok: 201,
  },
  { name: 'get member', method: 'GET', url: (f) => `${g(f)}/members/${f.memberId}`, ok: 200 },
  {
    name: 'patch member',
    method: 'PATCH',
    url: (f) => `${g(f)}/members/${f.memberId}`,
    payload: () => ({ title: '经理' }),
    ok: 200,
  },
  { name: 'delete member', method: 'DELETE', url: (f) => `${g(f)}/members/${f.memberId}`, ok: 204 },
  { name: 'get vpn', method: 'GET', url: (f) => `${g(f)}/vpn`, ok: 200 },
  {
    name: 'put vpn',
    method: 'PUT',
    url: (f) => `${g(f)}/vpn`,
    payload: () => ({ shortCodeLength: { min: 3, max: 6 }, crossProvince: true, showShortCode: true }),
    ok: 200,
  },
  { name: 'list subgroups', method: 'GET', url: (f) => `${g(f)}/subgroups`, ok: 200 },
  {
    name: 'create subgroup',
    method: 'POST',
    url: (f) => `${g(f)}/subgroups`,
    payload: () => ({ name: '技术组' }),
    ok: 201,
  },
  { name: 'get subgroup', method: 'GET', url: (f) => `${g(f)}/subgroups/${f.subgroupId}`, ok: 200 },
  {
    name: 'patch subgroup',
    method: 'PATCH',
    url: (f) => `${g(f)}/subgroups/${f.subgroupId}`,
    payload: () => ({ name: '市场组' }),
    ok: 200,
  },
  { name: 'delete subgroup', method: 'DELETE', url: (f) => `${g(f)}/subgroups/${f.subgroupId}`, ok: 204 },
  {
    name: 'put subgroup member',
    method: 'PUT',
    url: (f) => `${g(f)}/subgroups/${f.subgroupId}/members/${f.memberId}`,
    ok: 200,
  },
  {
    name: 'delete subgroup member',
    method: 'DELETE',
    url: (f) => `${g(f)}/subgroups/${f.subgroupId}/members/${f.memberId}`,
    ok: 200,
  },
];

/** What the admin sees of a group: must not change when a partner is refused. */
async function snapshot(f: Fixture) {
  const urls = [
    g(f),
    `${g(f)}/vpn`,
    `${g(f)}/members?limit=500`,
    `${g(f)}/subgroups`,
    `${g(f)}/members/${f.memberId}`,
    `${g(f)}/subgroups/${f.subgroupId}`,
  ];
  return Promise.all(urls.map(async (url) => (await t.call({ method: 'GET', url })).body));
}

describe.each(GROUP_SCOPED)('group-scoped route: $name ($method)', (route) => {
  it("answers 404 on group B with A's key and changes nothing", async () => {
    const b = await fixture(groupB);
    const before = await snapshot(b);
    const res = await t.call({
      method: route.method,
      url: route.url(b),
      key: keyA,
      ...(route.payload && { payload: route.payload(b) }),
    });
    expectProblem(res, 404, 'not_found');
    expect(await snapshot(b)).toEqual(before);
  });

  it(`answers ${route.ok} on group A with A's key`, async () => {
    const a = await fixture(groupA);
    const res = await t.call({
      method: route.method,
      url: route.url(a),
      key: keyA,
      ...(route.payload && { payload: route.payload(a) }),
    });
    expect(res.statusCode).toBe(route.ok);
  });

  it('answers the same 404 for a group that does not exist', async () => {
    const ghost = { groupId: 'grp_nope', memberId: 'mem_nope', subgroupId: 'sgp_nope' };
    const res = await t.call({
      method: route.method,
      url: route.url(ghost),
      key: keyA,
      ...(route.payload && { payload: route.payload(ghost) }),
    });
    expectProblem(res, 404, 'not_found');
  });
});

describe("B's resources cannot be reached through A's path", () => {
  it.each([
    ['get B member', 'GET', (a: Fixture, b: Fixture) => `/v1/groups/${a.groupId}/members/${b.memberId}`],
    ['patch B member', 'PATCH', (a: Fixture, b: Fixture) => `/v1/groups/${a.groupId}/members/${b.memberId}`],
    [
      'delete B member',
      'DELETE',
      (a: Fixture, b: Fixture) => `/v1/groups/${a.groupId}/members/${b.memberId}`,
    ],
    [
      'get B subgroup',
      'GET',
      (a: Fixture, b: Fixture) => `/v1/groups/${a.groupId}/subgroups/${b.subgroupId}`,
    ],
    [
      'delete B subgroup',
      'DELETE',
      (a: Fixture, b: Fixture) => `/v1/groups/${a.groupId}/subgroups/${b.subgroupId}`,
    ],
    [
      'put B member in A subgroup',
      'PUT',
      (a: Fixture, b: Fixture) => `/v1/groups/${a.groupId}/subgroups/${a.subgroupId}/members/${b.memberId}`,
    ],
    [
      'put A member in B subgroup',
      'PUT',
      (a: Fixture, b: Fixture) => `/v1/groups/${a.groupId}/subgroups/${b.subgroupId}/members/${a.memberId}`,
    ],
  ] as const)('%s → 404', async (_, method, url) => {
    const a = await fixture(groupA);
    const b = await fixture(groupB);
    const before = await snapshot(b);
    const res = await t.call({
      method,
      url: url(a, b),
      key: keyA,
      ...(method === 'PATCH' && { payload: { name: '劫持' } }),
    });
    expectProblem(res, 404, 'not_found');
    expect(await snapshot(b)).toEqual(before);
    expect(
      (await t.call({ method: 'GET', url: `/v1/groups/${groupA}/subgroups/${a.subgroupId}` })).json()
        .memberIds,
    ).toEqual([]);
  });
});

describe('routes and messages: a partner acts only where a party is in its groups', () => {
  let b1: string;
  let b2: string;
  let a1: string;

  beforeAll(async () => {
    b1 = (await createMember(t, groupB, { msisdn: '13966660001', name: '乙一' })).msisdn;
    b2 = (await createMember(t, groupB, { msisdn: '13966660002', name: '乙二' })).msisdn;
    a1 = (await createMember(t, groupA, { msisdn: '13966660003', name: '甲一' })).msisdn;
  });

  it("POST /v1/route between two members of B with A's key → 403", async () => {
    const res = await t.call({ method: 'POST', url: '/v1/route', payload: { from: b1, to: b2 }, key: keyA });
    expectProblem(res, 403, 'out_of_scope');
    const admin = await t.call({ method: 'POST', url: '/v1/route', payload: { from: b1, to: b2 } });
    expect(admin.statusCode).toBe(200);
  });

  it("POST /v1/route from a landline to a member of B with A's key → 403", async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: '01012345678', to: b2 },
      key: keyA,
    });
    expectProblem(res, 403, 'out_of_scope');
  });

  it("POST /v1/route with a caller or callee in A works with A's key", async () => {
    const out = await t.call({ method: 'POST', url: '/v1/route', payload: { from: a1, to: b1 }, key: keyA });
    expect(out.statusCode).toBe(200);
    const inbound = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: b1, to: a1 },
      key: keyA,
    });
    expect(inbound.statusCode).toBe(200);
  });

  it("POST /v1/messages between two members of B with A's key → 403, storing nothing", async () => {
    const before = (await t.call({ method: 'GET', url: '/v1/messages?limit=500' })).json().items.length;
    const res = await t.call({
      method: 'POST',
      url: '/v1/messages',
      payload: { from: b1, to: b2, text: '你好' },
      key: keyA,
    });
    expectProblem(res, 403, 'out_of_scope');
    expect((await t.call({ method: 'GET', url: '/v1/messages?limit=500' })).json().items.length).toBe(before);
  });

  it("GET /v1/messages with A's key does not show B's messages", async () => {
    const inB = await t.call({
      method: 'POST',
      url: '/v1/messages',
      payload: { from: b1, to: b2, text: '乙内部' },
    });
    expect(inB.statusCode).toBe(201);
    const fromA = await t.call({
      method: 'POST',
      url: '/v1/messages',
      payload: { from: a1, to: b1, text: '甲到乙' },
      key: keyA,
    });
    expect(fromA.statusCode).toBe(201);

    const seenByA = (await t.call({ method: 'GET', url: '/v1/messages', key: keyA })).json().items;
    const texts = seenByA.map((m: { text: string }) => m.text);
    expect(texts).toContain('甲到乙');
    expect(texts).not.toContain('乙内部');
    const inbox = (
      await t.call({ method: 'GET', url: `/v1/messages?to=${encodeURIComponent(b2)}`, key: keyA })
    ).json();
    expect(inbox.items).toEqual([]);

    const seenByAdmin = (await t.call({ method: 'GET', url: '/v1/messages' })).json().items;
    expect(seenByAdmin.map((m: { text: string }) => m.text)).toEqual(
      expect.arrayContaining(['乙内部', '甲到乙']),
    );
  });
});
