import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGroup,
  createMember,
  createTestApp,
  HEBEI_ENTERPRISE,
  type TestApp,
} from '../../helpers/app.js';
import { createSwitchboard, problem, putExtension, putOperator, searchPhonebook } from './config-fixtures.js';

/**
 * The operator's phonebook (总机通讯录) over the API, at the contract's `/directory` URL: the
 * product scene, where three people are called zhang lan, and an index that follows every change
 * to the group's members and the switchboard's extensions.
 */
let t: TestApp;
let groupId: string;
let switchboardId: string;
const m: Record<string, { id: string }> = {};

const PEOPLE: Array<[key: string, name: string, department: string | null, msisdn: string]> = [
  ['wangming', '王明', '总经理办公室', '13803110001'],
  ['zhanglan', '张兰', '信息中心', '13803110003'],
  ['zhanglan2', '张岚', '财务部', '13803110012'],
  ['zhanglan3', '章兰', '销售部', '13803110007'],
  ['zengli', '曾丽', '技术研发部', '13803110029'],
  ['liuyang', '刘洋', '信息中心', '13803110004'],
  ['zhangsan', '张三', null, '13803110031'],
];

beforeEach(async () => {
  t = await createTestApp();
  groupId = await createGroup(t);
  for (const [key, name, department, msisdn] of PEOPLE) {
    m[key] = await createMember(t, groupId, { msisdn, name, ...(department !== null && { department }) });
  }
  switchboardId = await createSwitchboard(t, groupId, {
    pilotNumber: '0311-88000000',
    greeting: '欢迎致电',
    menu: { prompt: '请拨分机号，人工服务请按0', options: {} },
  });
  for (const [extension, key] of [
    ['8001', 'wangming'],
    ['8201', 'zhanglan'],
    ['8202', 'liuyang'],
    ['8401', 'zhanglan2'],
  ] as const) {
    expect((await putExtension(t, switchboardId, extension, m[key]!.id)).statusCode).toBe(201);
  }
  expect((await putOperator(t, switchboardId, m.zhangsan!.id, 'available')).statusCode).toBe(201);
});
afterEach(async () => {
  await t.close();
});

interface Hit {
  memberId: string;
  name: string;
  department: string | null;
  msisdn: string;
  shortCode: string | null;
  extensions: string[];
  status: string;
  operatorStatus: string | null;
  matchedBy: string | null;
  rank: number;
}

async function find(q: string, query = ''): Promise<Hit[]> {
  const res = await t.call({
    method: 'GET',
    url: `/v1/switchboards/${switchboardId}/directory?q=${encodeURIComponent(q)}${query}`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}
const names = (hits: Hit[]) => hits.map((h) => h.name);

describe('phonebook search: the product scene', () => {
  it('q=张兰 gives 张兰 first, with what an operator needs to transfer', async () => {
    const hits = await find('张兰');
    expect(hits[0]).toEqual({
      memberId: m.zhanglan!.id,
      name: '张兰',
      department: '信息中心',
      msisdn: '+8613803110003',
      shortCode: null,
      extensions: ['8201'],
      status: 'active',
      operatorStatus: null,
      matchedBy: 'name',
      rank: 1,
    });
    expect(names(hits)).toEqual(['张兰']);
  });

  it('q=zhanglan finds 张兰, 张岚 and 章兰 by full pinyin; so do spaces and capitals', async () => {
    const hits = await find('zhanglan');
    expect(new Set(names(hits))).toEqual(new Set(['张兰', '张岚', '章兰']));
    expect(hits.every((h) => h.matchedBy === 'pinyin' && h.rank === hits[0]!.rank)).toBe(true);
    // Same pinyin: in member id (creation) order, so the answer never shuffles.
    expect(names(hits)).toEqual(['张兰', '张岚', '章兰']);
    expect(names(await find('Zhang Lan'))).toEqual(names(hits));
  });

  it('q=zl finds them by initials (曾丽 is zl too)', async () => {
    const hits = await find('zl');
    expect(new Set(names(hits))).toEqual(new Set(['张兰', '张岚', '章兰', '曾丽']));
    expect(hits.every((h) => h.matchedBy === 'initials')).toBe(true);
  });

  it('q=信息中心 finds 张兰 (and 刘洋) by department', async () => {
    const hits = await find('信息中心');
    expect(names(hits)).toEqual(['刘洋', '张兰']);
    expect(hits.every((h) => h.matchedBy === 'department')).toBe(true);
  });

  it('extension: exact, then prefix', async () => {
    expect(await find('8401')).toMatchObject([
      { name: '张岚', matchedBy: 'extension', extensions: ['8401'] },
    ]);
    const prefix = await find('82');
    expect(names(prefix)).toEqual(['刘洋', '张兰']);
    expect(prefix.every((h) => h.matchedBy === 'extension')).toBe(true);
  });

  it('number: in any form', async () => {
    for (const q of ['13803110012', '+86 138 0311 0012']) {
      expect(await find(q)).toMatchObject([{ name: '张岚', matchedBy: 'msisdn' }]);
    }
  });

  it('operators carry their desk status', async () => {
    expect(await find('张三')).toMatchObject([{ name: '张三', operatorStatus: 'available', extensions: [] }]);
  });

  it('without q it lists everyone by name pinyin, with limit', async () => {
    const list = async (query: string): Promise<Hit[]> => {
      const res = await t.call({ method: 'GET', url: `/v1/switchboards/${switchboardId}/directory${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items;
    };
    const all = await list('');
    expect(names(all)).toEqual(['刘洋', '王明', '曾丽', '张兰', '张岚', '章兰', '张三']);
    expect(all.every((h) => h.matchedBy === null && h.rank === 0)).toBe(true);
    expect(names(await list('?limit=2'))).toEqual(['刘洋', '王明']);
  });

  it("lists only the switchboard group's members", async () => {
    const other = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '乙集团' });
    await createMember(t, other, { msisdn: '13903110001', name: '张兰' });
    expect(names(await find('张兰'))).toEqual(['张兰']);
  });

  it('refuses a bad limit (decimal digits only) or a blank, overlong or control-character q (400)', async () => {
    for (const [query, path] of [
      ['limit=0', 'querystring.limit'],
      ['limit=501', 'querystring.limit'],
      ['limit=ten', 'querystring.limit'],
      ['limit=0x10', 'querystring.limit'],
      ['limit=1e2', 'querystring.limit'],
      ['limit= 12', 'querystring.limit'],
      [`q=${'张'.repeat(51)}`, 'querystring.q'],
      // A blank q would list everyone, as no q does: the member search refuses it too.
      ['q=', 'querystring.q'],
      ['q=   ', 'querystring.q'],
      ['q=\u0000', 'querystring.q'],
    ] as const) {
      const res = await t.call({
        method: 'GET',
        url: `/v1/switchboards/${switchboardId}/directory?${encodeURI(query)}`,
      });
      expect(problem(res)).toEqual({ status: 400, code: 'validation_failed', paths: [path] });
    }
  });
});

describe('phonebook search follows every change', () => {
  it('a new member, a renamed member and a deleted member show at once', async () => {
    expect(names(await find('zhanglan'))).toHaveLength(3);
    const newcomer = await createMember(t, groupId, {
      msisdn: '13803110040',
      name: '张澜',
      department: '生产部',
    });
    expect(names(await find('zhanglan'))).toContain('张澜');

    const renamed = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${groupId}/members/${newcomer.id}`,
      payload: { name: '李华', department: '信息中心' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(names(await find('zhanglan'))).not.toContain('李华');
    expect(await find('lihua')).toMatchObject([{ memberId: newcomer.id, matchedBy: 'pinyin' }]);
    expect(names(await find('信息中心'))).toEqual(['李华', '刘洋', '张兰']);

    await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}/members/${m.zhanglan!.id}` });
    expect(names(await find('zhanglan'))).toEqual(['张岚', '章兰']);
    expect(await find('8201')).toEqual([]);
  });

  it('extensions given, moved and freed show at once', async () => {
    await putExtension(t, switchboardId, '8301', m.zhanglan3!.id);
    expect(await find('8301')).toMatchObject([{ name: '章兰', extensions: ['8301'] }]);
    await putExtension(t, switchboardId, '8301', m.zengli!.id);
    expect(await find('8301')).toMatchObject([{ name: '曾丽', extensions: ['8301'] }]);
    expect((await find('章兰'))[0]?.extensions).toEqual([]);
    await t.call({ method: 'DELETE', url: `/v1/switchboards/${switchboardId}/extensions/8301` });
    expect(await find('8301')).toEqual([]);
  });

  it('operator status shows at once (it is read at answer time)', async () => {
    await putOperator(t, switchboardId, m.zhangsan!.id, 'busy');
    expect((await find('张三'))[0]?.operatorStatus).toBe('busy');
  });

  it('two switchboards of one group each list their own extensions', async () => {
    const second = await createSwitchboard(t, groupId, {
      pilotNumber: '0311-88000001',
      greeting: '售后服务热线',
      menu: { prompt: '请拨分机号', options: {} },
    });
    await putExtension(t, second, '501', m.zhanglan!.id);
    const onSecond = (await searchPhonebook(t, second, '张兰')).json().items;
    expect(onSecond[0]).toMatchObject({ name: '张兰', extensions: ['501'] });
    expect((await find('张兰'))[0]?.extensions).toEqual(['8201']);
    expect(await find('501')).toEqual([]);
  });
});
