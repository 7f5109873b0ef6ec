import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGroup,
  createMember,
  createTestApp,
  HEBEI_ENTERPRISE,
  type TestApp,
} from '../../helpers/app.js';

type Res = Awaited<ReturnType<TestApp['call']>>;

function expectProblem(res: Res, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
}

const BEIJING_CLUSTER = {
  name: '北京中关村商户聚类',
  institutionType: 'cluster',
  valueTier: 'D',
  province: 'CN-BJ',
} as const;

let t: TestApp;
let hebei: string;
let beijing: string;

beforeAll(async () => {
  t = await createTestApp();
  hebei = await createGroup(t, HEBEI_ENTERPRISE);
  beijing = await createGroup(t, BEIJING_CLUSTER);
});
afterAll(async () => {
  await t.close();
});

const members = (groupId: string) => `/v1/groups/${groupId}/members`;

async function allMembers(groupId: string): Promise<Array<{ id: string; msisdn: string; name: string }>> {
  const res = await t.call({ method: 'GET', url: `${members(groupId)}?limit=500` });
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

describe('POST /v1/groups/{groupId}/members', () => {
  it.each([
    ['13911110001', '+8613911110001'],
    ['+86 139 1111 0002', '+8613911110002'],
    ['8613911110003', '+8613911110003'],
    ['+8613911110004', '+8613911110004'],
  ])('accepts the msisdn %j and answers it in E.164 (%s)', async (msisdn, e164) => {
    const res = await t.call({ method: 'POST', url: members(hebei), payload: { msisdn, name: '张兰' } });
    expect(res.statusCode).toBe(201);
    const member = res.json();
    expect(member.msisdn).toBe(e164);
    expect(member.id).toMatch(/^mem_/);
    const got = await t.call({ method: 'GET', url: `${members(hebei)}/${member.id}` });
    expect(got.json()).toEqual(member);
  });

  it('defaults homeProvince to the group province, status to active, and the rest to null/empty', async () => {
    const inHebei = await t.call({
      method: 'POST',
      url: members(hebei),
      payload: { msisdn: '13911110010', name: '李四' },
    });
    expect(inHebei.json()).toMatchObject({
      groupId: hebei,
      homeProvince: 'CN-HE',
      status: 'active',
      department: null,
      title: null,
      shortCode: null,
      subgroupIds: [],
    });
    const inBeijing = await t.call({
      method: 'POST',
      url: members(beijing),
      payload: { msisdn: '13911110011', name: '王五' },
    });
    expect(inBeijing.json()).toMatchObject({ groupId: beijing, homeProvince: 'CN-BJ' });
  });

  it('keeps a given homeProvince, status, department and title, Chinese unchanged', async () => {
    const res = await t.call({
      method: 'POST',
      url: members(hebei),
      payload: {
        msisdn: '13911110012',
        name: '欧阳娜娜',
        homeProvince: 'CN-TJ',
        status: 'suspended',
        department: '市场部（华北）',
        title: '总经理',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: '欧阳娜娜',
      homeProvince: 'CN-TJ',
      status: 'suspended',
      department: '市场部（华北）',
      title: '总经理',
    });
  });

  it('answers 404 for an unknown group, creating nothing', async () => {
    const res = await t.call({
      method: 'POST',
      url: members('grp_nope'),
      payload: { msisdn: '13911110013', name: '无' },
    });
    expectProblem(res, 404, 'not_found');
    const again = await t.call({
      method: 'POST',
      url: members(hebei),
      payload: { msisdn: '13911110013', name: '有' },
    });
    expect(again.statusCode).toBe(201);
  });

  describe('a MSISDN belongs to at most one member', () => {
    const HELD = '13922220000';
    let holderId: string;
    beforeAll(async () => {
      holderId = (await createMember(t, hebei, { msisdn: HELD, name: '张兰' })).id;
    });

    it.each([
      ['the same group, national form', () => hebei, HELD],
      ['the same group, spaced international form', () => hebei, '+86 139 2222 0000'],
      ['the same group, plus-less international form', () => hebei, '8613922220000'],
      ['another group, national form', () => beijing, HELD],
      ['another group, E.164', () => beijing, '+8613922220000'],
    ])('refuses it in %s (409 msisdn_taken), writing nothing', async (_, group, msisdn) => {
      const before = { hebei: await allMembers(hebei), beijing: await allMembers(beijing) };
      const res = await t.call({ method: 'POST', url: members(group()), payload: { msisdn, name: '冒名' } });
      expectProblem(res, 409, 'msisdn_taken');
      expect(res.json().errors).toEqual([expect.objectContaining({ path: 'body.msisdn' })]);
      expect(await allMembers(hebei)).toEqual(before.hebei);
      expect(await allMembers(beijing)).toEqual(before.beijing);
    });

    it('refuses a PATCH to a held MSISDN, leaving the member unchanged', async () => {
      const other = await createMember(t, beijing, { msisdn: '13922220001', name: '王五' });
      const res = await t.call({
        method: 'PATCH',
        url: `${members(beijing)}/${other.id}`,
        payload: { msisdn: '+86 139 2222 0000' },
      });
      expectProblem(res, 409, 'msisdn_taken');
      const got = await t.call({ method: 'GET', url: `${members(beijing)}/${other.id}` });
      expect(got.json().msisdn).toBe('+8613922220001');
    });

    it('lets a member PATCH its own MSISDN in another form', async () => {
      const res = await t.call({
        method: 'PATCH',
        url: `${members(hebei)}/${holderId}`,
        payload: { msisdn: '8613922220000' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().msisdn).toBe('+8613922220000');
    });

    it('moves the hold when a member changes number: the old one is free, the new one taken', async () => {
      const m = await createMember(t, hebei, { msisdn: '13922220003', name: '孙七' });
      const res = await t.call({
        method: 'PATCH',
        url: `${members(hebei)}/${m.id}`,
        payload: { msisdn: '13922220004' },
      });
      expect(res.json().msisdn).toBe('+8613922220004');
      const taken = await t.call({
        method: 'POST',
        url: members(beijing),
        payload: { msisdn: '13922220004', name: '冒名' },
      });
      expectProblem(taken, 409, 'msisdn_taken');
      const freed = await t.call({
        method: 'POST',
        url: members(beijing),
        payload: { msisdn: '13922220003', name: '周八' },
      });
      expect(freed.statusCode).toBe(201);
    });

    it('frees the MSISDN when the member is deleted', async () => {
      const m = await createMember(t, hebei, { msisdn: '13922220002', name: '赵六' });
      expect((await t.call({ method: 'DELETE', url: `${members(hebei)}/${m.id}` })).statusCode).toBe(204);
      const res = await t.call({
        method: 'POST',
        url: members(beijing),
        payload: { msisdn: '+8613922220002', name: '赵六' },
      });
      expect(res.statusCode).toBe(201);
    });
  });

  it.each([
    ['a Beijing landline', '01012345678'],
    ['a landline in E.164', '+861012345678'],
    ['letters', '1391111abcd'],
    ['too short', '1391111000'],
    ['too long', '139111100001'],
    ['empty', ''],
    ['an emergency number', '110'],
    ['a number', 13911110099],
  ])('refuses %s as msisdn with a 400 naming body.msisdn', async (_, msisdn) => {
    const before = (await allMembers(hebei)).length;
    const res = await t.call({ method: 'POST', url: members(hebei), payload: { msisdn, name: '张兰' } });
    expectProblem(res, 400, 'validation_failed');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('body.msisdn');
    expect((await allMembers(hebei)).length).toBe(before);
  });

  it.each([
    [{ status: 'retired' }, 'body.status'],
    [{ homeProvince: 'Hebei' }, 'body.homeProvince'],
    [{ name: '' }, 'body.name'],
    [{ name: ' ' }, 'body.name'],
  ])('refuses %j with a 400 naming %s', async (patch, path) => {
    const res = await t.call({
      method: 'POST',
      url: members(hebei),
      payload: { msisdn: '13911110098', name: '张兰', ...patch },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('GET / PATCH / DELETE /v1/groups/{groupId}/members/{memberId}', () => {
  it('answers 404 for an unknown member and for a member addressed through another group', async () => {
    const m = await createMember(t, beijing, { msisdn: '13933330001', name: '王五' });
    for (const url of [
      `${members(hebei)}/mem_nope`,
      `${members(hebei)}/${m.id}`,
      `${members('grp_nope')}/${m.id}`,
    ]) {
      expectProblem(await t.call({ method: 'GET', url }), 404, 'not_found');
      expectProblem(await t.call({ method: 'PATCH', url, payload: { name: '劫持' } }), 404, 'not_found');
      expectProblem(await t.call({ method: 'DELETE', url }), 404, 'not_found');
    }
    expect((await t.call({ method: 'GET', url: `${members(beijing)}/${m.id}` })).json()).toMatchObject({
      name: '王五',
    });
  });

  it('patches fields and keeps the rest; groupId and id in the body are ignored', async () => {
    const m = await createMember(t, hebei, { msisdn: '13933330002', name: '张兰', department: '销售部' });
    t.clock.advanceTo(t.clock.now() + 1_000);
    const res = await t.call({
      method: 'PATCH',
      url: `${members(hebei)}/${m.id}`,
      payload: { title: '经理', status: 'suspended', groupId: beijing, id: 'mem_hijack' },
    });
    expect(res.statusCode).toBe(200);
    const patched = res.json();
    expect(patched).toMatchObject({
      id: m.id,
      groupId: hebei,
      name: '张兰',
      department: '销售部',
      title: '经理',
      status: 'suspended',
      msisdn: '+8613933330002',
    });
    expect(patched.updatedAt).not.toBe(patched.createdAt);
    expect((await t.call({ method: 'GET', url: `${members(hebei)}/${m.id}` })).json()).toEqual(patched);
  });

  it('clears department with null', async () => {
    const m = await createMember(t, hebei, { msisdn: '13933330003', name: '张兰', department: '销售部' });
    const res = await t.call({
      method: 'PATCH',
      url: `${members(hebei)}/${m.id}`,
      payload: { department: null },
    });
    expect(res.json().department).toBeNull();
  });

  it('refuses a landline or malformed msisdn in a PATCH with a 400', async () => {
    const m = await createMember(t, hebei, { msisdn: '13933330004', name: '张兰' });
    for (const msisdn of ['01012345678', 'abc']) {
      const res = await t.call({ method: 'PATCH', url: `${members(hebei)}/${m.id}`, payload: { msisdn } });
      expectProblem(res, 400, 'validation_failed');
      expect(res.json().errors[0].path).toBe('body.msisdn');
    }
  });

  it('deletes a member (204), after which it is gone', async () => {
    const m = await createMember(t, hebei, { msisdn: '13933330005', name: '张兰' });
    const res = await t.call({ method: 'DELETE', url: `${members(hebei)}/${m.id}` });
    expect(res.statusCode).toBe(204);
    expectProblem(await t.call({ method: 'GET', url: `${members(hebei)}/${m.id}` }), 404, 'not_found');
    expect((await allMembers(hebei)).map((x) => x.id)).not.toContain(m.id);
  });
});

describe('GET /v1/groups/{groupId}/members: search and pagination', () => {
  let s: TestApp;
  let g: string;
  let other: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    s = await createTestApp();
    g = await createGroup(s, HEBEI_ENTERPRISE);
    other = await createGroup(s, BEIJING_CLUSTER);
    const seed: Array<[string, string, string | null]> = [
      ['张兰', '13800138000', '销售部'],
      ['张伟', '13800138001', '技术部'],
      ['李兰', '15912345678', '销售部'],
      ['单田芳', '18612340000', '技术部'],
      ['曾国藩', '13655550000', null],
      ['赵志林', '19955556666', '销售部'],
    ];
    for (const [name, msisdn, department] of seed) {
      ids[name] = (await createMember(s, g, { msisdn, name, department })).id;
    }
    // Same name in another group: never listed here.
    await createMember(s, other, { msisdn: '13700000000', name: '张兰', department: '销售部' });
  });
  afterAll(async () => {
    await s.close();
  });

  const search = async (query: string) => {
    const res = await s.call({ method: 'GET', url: `/v1/groups/${g}/members?${query}` });
    expect(res.statusCode).toBe(200);
    return (res.json().items as Array<{ name: string }>).map((m) => m.name).sort();
  };
  const q = (text: string) => `q=${encodeURIComponent(text)}`;

  it.each([
    ['hanzi 兰', '兰', ['张兰', '李兰']],
    ['a full hanzi name', '张兰', ['张兰']],
    ['full pinyin zhanglan', 'zhanglan', ['张兰']],
    ['pinyin with a space and capitals', 'Zhang Lan', ['张兰']],
    ['a pinyin fragment', 'lan', ['张兰', '李兰']],
    ['initials zl', 'zl', ['张兰']],
    ['initials in capitals', 'ZL', ['张兰']],
    ['initials prefix z', 'z', ['张伟', '张兰', '曾国藩', '赵志林']],
    ['the polyphonic surname 单 read shan', 'shan', ['单田芳']],
    ['the polyphonic surname 曾 read zeng', 'zengguofan', ['曾国藩']],
    ['a number fragment', '0013800', ['张兰', '张伟']],
    ['a national number', '15912345678', ['李兰']],
    ['an international number', '+86 186 1234 0000', ['单田芳']],
    ['a trailing fragment', '5666', ['赵志林']],
    ['nothing that matches', 'xyz', []],
    ['a LIKE wildcard taken literally', '%', []],
    ['an underscore taken literally', '_', []],
    // Folded for the pinyin keys, an apostrophe is nothing, and an empty pattern matched everyone.
    ["an apostrophe (xi'an) alone", "'", []],
    ['apostrophes and spaces', "' '", []],
  ])('finds by %s', async (_, text, names) => {
    expect(await search(q(text))).toEqual([...names].sort());
  });

  it('filters by department, alone and with q', async () => {
    expect(await search(`department=${encodeURIComponent('销售部')}`)).toEqual(
      ['张兰', '李兰', '赵志林'].sort(),
    );
    expect(await search(`department=${encodeURIComponent('销售部')}&${q('兰')}`)).toEqual(
      ['张兰', '李兰'].sort(),
    );
    expect(await search(`department=${encodeURIComponent('技术部')}&${q('zl')}`)).toEqual([]);
    expect(await search(`department=${encodeURIComponent('财务部')}`)).toEqual([]);
  });

  it('finds a renamed member by the new name keys only', async () => {
    const m = await createMember(s, g, { msisdn: '13800138099', name: '钱多多' });
    expect(await search(q('qdd'))).toEqual(['钱多多']);
    const res = await s.call({
      method: 'PATCH',
      url: `/v1/groups/${g}/members/${m.id}`,
      payload: { name: '孙悟空' },
    });
    expect(res.statusCode).toBe(200);
    expect(await search(q('qdd'))).toEqual([]);
    expect(await search(q('sunwukong'))).toEqual(['孙悟空']);
    expect(await search(q('swk'))).toEqual(['孙悟空']);
    await s.call({ method: 'DELETE', url: `/v1/groups/${g}/members/${m.id}` });
  });

  it('refuses a blank or control-character q and a limit out of range or not in decimal digits with a 400', async () => {
    for (const [query, path] of [
      ['q=%20%20', 'querystring.q'],
      ['q=', 'querystring.q'],
      // SQLite's LIKE reads a NUL as the pattern's end: it matched every member.
      ['q=%00', 'querystring.q'],
      ['q=zh%00', 'querystring.q'],
      ['limit=501', 'querystring.limit'],
      ['limit=0', 'querystring.limit'],
      ['limit=0x10', 'querystring.limit'],
      ['limit=1e2', 'querystring.limit'],
      ['limit=%2012', 'querystring.limit'],
      ['limit=12.0', 'querystring.limit'],
    ] as const) {
      const res = await s.call({ method: 'GET', url: `/v1/groups/${g}/members?${query}` });
      expectProblem(res, 400, 'validation_failed');
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
    const twelve = await s.call({ method: 'GET', url: `/v1/groups/${g}/members?limit=012` });
    expect(twelve.statusCode).toBe(200);
  });

  it('answers 404 for the members of an unknown group', async () => {
    expectProblem(await s.call({ method: 'GET', url: '/v1/groups/grp_nope/members' }), 404, 'not_found');
  });

  it('pages through all members in creation order with limit and cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/groups/${g}/members?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await s.call({ method: 'GET', url })).json();
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((m: { id: string }) => m.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(Object.values(ids));
  });

  it('pages through search results too', async () => {
    const first = (await s.call({ method: 'GET', url: `/v1/groups/${g}/members?${q('z')}&limit=2` })).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1].id);
    const second = (
      await s.call({
        method: 'GET',
        url: `/v1/groups/${g}/members?${q('z')}&limit=2&cursor=${first.nextCursor}`,
      })
    ).json();
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const names = [...first.items, ...second.items].map((m: { name: string }) => m.name).sort();
    expect(names).toEqual(['张伟', '张兰', '曾国藩', '赵志林'].sort());
  });
});
