/**
 * In-process benchmark of the switchboard's phonebook search (总机通讯录查询).
 *
 *   npx tsx bench/switchboard-search.ts
 *
 * A 10,000-member group with realistic names (common surnames, so 张 and 王 are crowded),
 * 24 departments and extensions for a third of the members: the index is built, then 10,000
 * mixed queries (hanzi, pinyin, initials, department, extension, number, no match) are timed
 * one by one. Prints the index build time and µs/query (p50/p99) per kind and overall, and
 * writes JSON to bench/results/switchboard-search.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nameKeys } from '../src/domain/name-keys.js';
import {
  buildPhonebookIndex,
  type PhonebookEntry,
  searchPhonebook,
} from '../src/engines/switchboard/phonebook-search.js';
import { prng } from './fixtures/directory.js';

const MEMBERS = 10_000;
const QUERIES = 10_000;
const LIMIT = 20;
const BUILDS = 5;

// A seeded PRNG (the fixtures' mulberry32), so every run measures the same work.
const random = prng(20_261_124);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

// Surnames roughly by frequency: the first few repeat so that they crowd as they do in life.
const SURNAMES = [
  ...'王王王王李李李李张张张张刘刘刘陈陈陈杨杨黄黄赵赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤章',
  '欧阳',
  '司马',
];
const GIVEN = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽',
];
const DEPARTMENTS = [
  '总经理办公室',
  '信息中心',
  '销售部',
  '销售一部',
  '销售二部',
  '财务部',
  '人力资源部',
  '生产部',
  '采购部',
  '行政部',
  '客服中心',
  '安全环保部',
  '技术研发部',
  '质量管理部',
  '法务部',
  '市场部',
  '物流中心',
  '设备部',
  '工程部',
  '审计部',
  '党群工作部',
  '培训中心',
  '战略规划部',
  '国际业务部',
];

function makeName(): string {
  const surname = pick(SURNAMES);
  const given = random() < 0.3 ? pick(GIVEN) : pick(GIVEN) + pick(GIVEN);
  return surname + given;
}

// The keys come from the members table in the service; computing them here is set-up, not build.
const setupStart = performance.now();
const extensionPool = Array.from({ length: 9_000 }, (_, i) => String(1000 + i));
for (let i = extensionPool.length - 1; i > 0; i--) {
  const j = int(i + 1);
  [extensionPool[i], extensionPool[j]] = [extensionPool[j]!, extensionPool[i]!];
}
let nextExtension = 0;
const entries: PhonebookEntry[] = Array.from({ length: MEMBERS }, (_, i) => {
  const name = makeName();
  const keys = nameKeys(name);
  const extensions: string[] = [];
  if (random() < 0.33) extensions.push(extensionPool[nextExtension++]!);
  if (random() < 0.03) extensions.push(extensionPool[nextExtension++]!);
  return {
    memberId: `mem_${String(i).padStart(6, '0')}`,
    name,
    department: random() < 0.95 ? pick(DEPARTMENTS) : null,
    msisdn: `+86138${String(10_000_000 + i * 37).padStart(8, '0')}`,
    shortCode: null,
    status: random() < 0.01 ? 'suspended' : 'active',
    pinyin: keys.pinyin,
    initials: keys.initials,
    extensions,
  };
});
const setupMs = performance.now() - setupStart;

// Index build: the service rebuilds it after the group's members or extensions change.
const buildTimes: number[] = [];
let index = buildPhonebookIndex(entries);
for (let i = 0; i < BUILDS; i++) {
  const start = performance.now();
  index = buildPhonebookIndex(entries);
  buildTimes.push(performance.now() - start);
}
buildTimes.sort((a, b) => a - b);
const buildMs = buildTimes[Math.floor(BUILDS / 2)]!;

const national = (e: PhonebookEntry) => e.msisdn.slice(3);
const withExtension = entries.filter((e) => e.extensions.length > 0);
// `zhang lan`: the surname's pinyin, a space, the rest (as people type it).
const spaced = entries.slice(0, 500).map((e) => {
  const surname = nameKeys(Array.from(e.name)[0]!).pinyin;
  return e.pinyin.startsWith(surname) ? `${surname} ${e.pinyin.slice(surname.length)}` : e.pinyin;
});
const KINDS: Array<[kind: string, weight: number, draw: () => string]> = [
  ['hanzi name', 20, () => pick(entries).name],
  ['hanzi surname', 8, () => pick(SURNAMES)],
  ['hanzi given name', 5, () => Array.from(pick(entries).name).slice(-1).join('')],
  ['full pinyin', 15, () => pick(entries).pinyin],
  ['pinyin with space', 5, () => pick(spaced)],
  ['pinyin prefix', 8, () => pick(entries).pinyin.slice(0, 2 + int(4))],
  ['initials', 10, () => pick(entries).initials],
  ['department', 7, () => pick(DEPARTMENTS)],
  ['department part', 3, () => pick(DEPARTMENTS).slice(0, 2)],
  ['extension', 8, () => pick(pick(withExtension).extensions)],
  ['extension prefix', 3, () => pick(withExtension).extensions[0]!.slice(0, 2)],
  ['number', 3, () => national(pick(entries))],
  ['number tail', 2, () => national(pick(entries)).slice(-4)],
  ['empty (list all)', 1, () => ''],
  ['no match', 2, () => pick(['赵钱孙李周吴郑王冯', 'xyzzy', 'qqqq', '99999', '不存在的部门'])],
];
const totalWeight = KINDS.reduce((sum, [, weight]) => sum + weight, 0);
const drawKind = () => {
  let r = random() * totalWeight;
  for (const kind of KINDS) {
    r -= kind[1];
    if (r < 0) return kind;
  }
  return KINDS[0]!;
};
const queries = Array.from({ length: QUERIES }, () => {
  const [kind, , draw] = drawKind();
  return { kind, q: draw() };
});

// Warm-up: the JIT, and the first touch of every posting list.
let checksum = 0;
for (let round = 0; round < 3; round++) {
  for (const { q } of queries) checksum += searchPhonebook(index, q, LIMIT).length;
}

const latencies = new Float64Array(QUERIES);
let hits = 0;
const wallStart = performance.now();
for (let i = 0; i < QUERIES; i++) {
  const start = process.hrtime.bigint();
  const found = searchPhonebook(index, queries[i]!.q, LIMIT);
  latencies[i] = Number(process.hrtime.bigint() - start) / 1000;
  hits += found.length;
}
const wallMs = performance.now() - wallStart;
if (checksum < 0) console.log(checksum); // keep the warm-up observable

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    queries: sorted.length,
    p50Us: percentile(sorted, 50),
    p99Us: percentile(sorted, 99),
    maxUs: sorted[sorted.length - 1]!,
    meanUs: sorted.reduce((sum, v) => sum + v, 0) / sorted.length,
  };
};
const byKind = new Map<string, number[]>();
queries.forEach(({ kind }, i) => {
  const list = byKind.get(kind) ?? [];
  list.push(latencies[i]!);
  byKind.set(kind, list);
});
const overall = stats([...latencies]);
const results = [
  ...KINDS.map(([kind]) => ({ name: kind, ...stats(byKind.get(kind) ?? [0]) })),
  { name: 'all (mixed)', ...overall },
];

const us = (n: number) => n.toFixed(1);
console.log(
  `switchboard phonebook search: ${MEMBERS.toLocaleString('en-US')} members (${withExtension.length.toLocaleString('en-US')} with extensions), ` +
    `limit ${LIMIT}; index build ${buildMs.toFixed(1)} ms (median of ${BUILDS}; set-up with name keys ${setupMs.toFixed(0)} ms); ` +
    `${QUERIES.toLocaleString('en-US')} queries in ${wallMs.toFixed(0)} ms, ${(hits / QUERIES).toFixed(1)} hits/query`,
);
console.table(
  results.map((r) => ({
    case: r.name,
    queries: r.queries,
    'p50 µs': us(r.p50Us),
    'p99 µs': us(r.p99Us),
    'max µs': us(r.maxUs),
    'mean µs': us(r.meanUs),
  })),
);

const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'switchboard-search.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      bench: 'switchboard-search',
      node: process.version,
      members: MEMBERS,
      withExtensions: withExtension.length,
      limit: LIMIT,
      buildMs: Math.round(buildMs * 10) / 10,
      queriesPerSecond: Math.round(QUERIES / (wallMs / 1000)),
      results: results.map((r) => ({
        ...r,
        p50Us: Math.round(r.p50Us * 10) / 10,
        p99Us: Math.round(r.p99Us * 10) / 10,
        maxUs: Math.round(r.maxUs * 10) / 10,
        meanUs: Math.round(r.meanUs * 10) / 10,
      })),
    },
    null,
    2,
  )}\n`,
);
