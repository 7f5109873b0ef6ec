import { describe, expect, it } from 'vitest';
import { nameKeys } from '../../../../src/domain/name-keys.js';
import {
  buildPhonebookIndex,
  PHONEBOOK_TIERS,
  type PhonebookEntry,
  searchPhonebook,
} from '../../../../src/engines/switchboard/phonebook-search.js';

let seq = 0;
function entry(
  name: string,
  options: { department?: string | null; msisdn?: string; extensions?: string[]; id?: string } = {},
): PhonebookEntry {
  seq++;
  const keys = nameKeys(name);
  return {
    memberId: options.id ?? `m${String(seq).padStart(3, '0')}`,
    name,
    department: options.department ?? null,
    msisdn: options.msisdn ?? `+86139000000${String(seq).padStart(2, '0')}`,
    shortCode: null,
    status: 'active',
    pinyin: keys.pinyin,
    initials: keys.initials,
    extensions: options.extensions ?? [],
  };
}

// The product scene: three people called zhang lan, and their colleagues.
const wangMing = entry('王明', { department: '总经理办公室', id: 'm-wangming', extensions: ['8001'] });
const zhangLan = entry('张兰', {
  department: '信息中心',
  id: 'm-zhanglan',
  msisdn: '+8613803110003',
  extensions: ['8201', '8299'],
});
const zhangLan2 = entry('张岚', { department: '财务部', id: 'm-zhanglan2', extensions: ['8401'] });
const zhangLan3 = entry('章兰', { department: '销售部', id: 'm-zhanglan3' });
const zhangLanfang = entry('张兰芳', { department: '生产部', id: 'm-zhanglanfang' });
const xiaoZhangLan = entry('小张兰', { department: '生产部', id: 'm-xiaozhanglan' });
const zengLi = entry('曾丽', { department: '技术研发部', id: 'm-zengli', extensions: ['8820'] });
const liuYang = entry('刘洋', { department: '信息中心', id: 'm-liuyang', extensions: ['8202'] });
const alice = entry('Alice Wang', { department: 'International', id: 'm-alice' });
const SCENE = [wangMing, zhangLan, zhangLan2, zhangLan3, zhangLanfang, xiaoZhangLan, zengLi, liuYang, alice];
const index = buildPhonebookIndex(SCENE);

const search = (q: string, limit = 50) =>
  searchPhonebook(index, q, limit).map((h) => ({ id: h.entry.memberId, by: h.matchedBy, rank: h.rank }));
const ids = (q: string, limit = 50) => search(q, limit).map((h) => h.id);

describe('searchPhonebook: the product scene', () => {
  it('q=张兰: the exact name first, then the name prefix, then names containing it', () => {
    expect(search('张兰')).toEqual([
      { id: 'm-zhanglan', by: 'name', rank: 1 },
      { id: 'm-zhanglanfang', by: 'name', rank: 4 },
      { id: 'm-xiaozhanglan', by: 'name', rank: 7 },
    ]);
  });

  it('q=zhanglan finds every 张兰, 张岚 and 章兰 by full pinyin, then the longer names', () => {
    const hits = search('zhanglan');
    expect(hits.slice(0, 3)).toEqual([
      { id: 'm-zhanglan', by: 'pinyin', rank: 2 },
      { id: 'm-zhanglan2', by: 'pinyin', rank: 2 },
      { id: 'm-zhanglan3', by: 'pinyin', rank: 2 },
    ]);
    expect(hits.slice(3)).toEqual([
      { id: 'm-zhanglanfang', by: 'pinyin', rank: 5 },
      { id: 'm-xiaozhanglan', by: 'pinyin', rank: 8 },
    ]);
  });

  it('pinyin ignores case, spaces and apostrophes', () => {
    expect(ids('Zhang Lan')).toEqual(ids('zhanglan'));
    expect(ids(" ZHANG'LAN ")).toEqual(ids('zhanglan'));
  });

  it('q=zl finds them by initials (and 曾丽, zl too), before initials prefixes', () => {
    const hits = search('zl');
    expect(hits.filter((h) => h.rank === 3).map((h) => h.id)).toEqual([
      'm-zengli',
      'm-zhanglan',
      'm-zhanglan2',
      'm-zhanglan3',
    ]);
    expect(hits.at(-1)).toEqual({ id: 'm-zhanglanfang', by: 'initials', rank: 6 });
  });

  it('q=信息中心 finds 张兰 and 刘洋 by department, in pinyin order', () => {
    expect(search('信息中心')).toEqual([
      { id: 'm-liuyang', by: 'department', rank: 9 },
      { id: 'm-zhanglan', by: 'department', rank: 9 },
    ]);
    expect(search('中心').map((h) => h.rank)).toEqual([10, 10]);
  });

  it('extensions: exact first, then prefixes; every extension of a member counts', () => {
    expect(search('8201')).toEqual([{ id: 'm-zhanglan', by: 'extension', rank: 11 }]);
    expect(search('8299')).toEqual([{ id: 'm-zhanglan', by: 'extension', rank: 11 }]);
    expect(search('82')).toEqual([
      { id: 'm-liuyang', by: 'extension', rank: 13 },
      { id: 'm-zhanglan', by: 'extension', rank: 13 },
      // 8820 does not start with 82; no number contains the two digits' tier (four or more).
    ]);
    expect(search('8')).toHaveLength(5);
  });

  it('numbers: exact in any form, and four digits or more anywhere in it', () => {
    for (const q of ['13803110003', '+8613803110003', '8613803110003', '+86 138 0311 0003']) {
      expect(search(q)[0], q).toEqual({ id: 'm-zhanglan', by: 'msisdn', rank: 12 });
    }
    expect(ids('110003')).toEqual(['m-zhanglan']);
    expect(ids('1390000').length).toBe(SCENE.length - 1);
  });

  it('latin names match by name first', () => {
    expect(search('alice wang')[0]).toEqual({ id: 'm-alice', by: 'name', rank: 1 });
    expect(search('alice')[0]).toEqual({ id: 'm-alice', by: 'name', rank: 4 });
    expect(search('alicewang')[0]).toEqual({ id: 'm-alice', by: 'pinyin', rank: 2 });
  });

  it('an empty query lists everyone by name pinyin, unranked', () => {
    const all = searchPhonebook(index, '  ', 100);
    expect(all).toHaveLength(SCENE.length);
    expect(all.every((h) => h.matchedBy === null && h.rank === 0)).toBe(true);
    const pinyins = all.map((h) => h.entry.pinyin);
    expect(pinyins).toEqual([...pinyins].sort());
    expect(all[0]?.entry.name).toBe('Alice Wang');
  });

  it('limit cuts the ranked list; no match is an empty list', () => {
    expect(ids('zhanglan', 2)).toEqual(['m-zhanglan', 'm-zhanglan2']);
    expect(searchPhonebook(index, 'zhanglan', 0)).toEqual([]);
    expect(ids('赵')).toEqual([]);
    expect(ids('qqq')).toEqual([]);
    expect(ids('99999')).toEqual([]);
  });

  it('is deterministic whatever the input order', () => {
    const reversed = buildPhonebookIndex([...SCENE].reverse());
    for (const q of ['', '张', 'zhang', 'zl', '部', '8', '138']) {
      expect(searchPhonebook(reversed, q, 50)).toEqual(searchPhonebook(index, q, 50));
    }
  });

  it('documents one tier per rank', () => {
    expect(PHONEBOOK_TIERS).toHaveLength(14);
  });
});
