/**
 * In-process benchmark of the group ringback (集团彩铃) resolver.
 *
 *   npx tsx bench/ringback-engine.ts
 *
 * 1,000 groups × 50 policies of mixed audiences (members, sub-groups, departments, all) and
 * schedules (working hours, nights across midnight, weekends, calendar days, date ranges),
 * resolved for varied members and times across 2026. Prints a table and writes JSON to
 * bench/results/. Target: ≥ 1,000,000 resolutions/s on the reference 2-core machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nationalCalendar } from '../src/domain/calendar/national-calendar.js';
import {
  type CompiledGroupRingback,
  compileGroupRingback,
  explainRingback,
  type RingbackCallee,
  type RingbackPolicy,
  type RingbackSchedule,
  resolveRingback,
} from '../src/engines/ringback/index.js';
import { prng } from './fixtures/directory.js';

const GROUPS = 1_000;
const POLICIES_PER_GROUP = 50;
const MEMBERS_PER_GROUP = 200;
const DEPARTMENTS = ['销售部', '研发部', '财务部', '市场部', '客服部', '行政部', '法务部', '采购部'];
const SUBGROUPS_PER_GROUP = 12;
const SAMPLES = 500_000;
const PASSES = 4; // 2M resolutions per round
const ROUNDS = 5;
const ZONES = ['Asia/Shanghai', 'Asia/Shanghai', 'Asia/Shanghai', 'America/New_York', 'Europe/London'];
const YEAR_START = Date.UTC(2025, 11, 31, 16); // 2026-01-01 00:00 in Shanghai
const YEAR_MS = 365 * 86_400_000;

// A seeded PRNG (the fixtures' mulberry32), so every run measures the same work.
const random = prng(20_260_101);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

const SCHEDULES: (() => RingbackSchedule | undefined)[] = [
  () => undefined,
  () => undefined,
  () => ({ weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }),
  () => ({ calendar: 'workdays', start: hhmm(480 + int(120)), end: hhmm(1020 + int(120)) }),
  () => ({ start: '18:00', end: '09:00' }),
  () => ({ weekdays: [6, 7] }),
  () => ({ calendar: 'holidays' }),
  () => ({ weekdays: [5], start: '22:00', end: '02:00' }),
  () => {
    const from = int(300);
    const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10);
    return { dateFrom: day(from), dateTo: day(from + 14 + int(60)) };
  },
  () => ({ start: hhmm(int(1440)), end: hhmm(int(1440)) }),
];

function groupPolicies(members: string[], subgroups: string[]): RingbackPolicy[] {
  const policies: RingbackPolicy[] = [];
  for (let i = 0; i < POLICIES_PER_GROUP; i++) {
    const kind = i % 10;
    const appliesTo =
      kind < 2
        ? { memberIds: Array.from({ length: 1 + int(5) }, () => pick(members)) }
        : kind < 4
          ? { departments: [pick(DEPARTMENTS)] }
          : kind < 6
            ? { subgroupIds: [pick(subgroups), pick(subgroups)] }
            : kind < 7
              ? { departments: [pick(DEPARTMENTS)], subgroupIds: [pick(subgroups)] }
              : { all: true };
    let schedule = pick(SCHEDULES)();
    if (schedule?.start !== undefined && schedule.start === schedule.end) schedule = undefined;
    policies.push({
      id: `p${i}`,
      name: `policy ${i}`,
      appliesTo,
      schedule,
      toneIds: [`t${i}`, `t${i + 1}`],
      playback: random() < 0.5 ? 'single' : 'loop',
      priority: int(3),
      enabled: random() < 0.9,
      createdSeq: i,
    });
  }
  return policies;
}

interface Group {
  compiled: CompiledGroupRingback;
  members: RingbackCallee[];
}

/**
 * A fresh copy of a string. The directory's strings come from database rows, not from the
 * policies' JSON, so equal keys are different string objects and every hash-table hit compares
 * contents: the benchmark should pay that too.
 */
const copy = (text: string) => text.split('').join('');

const calendar = nationalCalendar();
let compileMs = 0;
const groups: Group[] = [];
for (let g = 0; g < GROUPS; g++) {
  const memberIds = Array.from({ length: MEMBERS_PER_GROUP }, (_, i) => `g${g}-m${i}`);
  const subgroups = Array.from({ length: SUBGROUPS_PER_GROUP }, (_, i) => `g${g}-s${i}`);
  const members = memberIds.map((id) => ({
    id: copy(id),
    department: random() < 0.9 ? copy(pick(DEPARTMENTS)) : null,
    subgroupIds: new Set(Array.from({ length: int(3) }, () => copy(pick(subgroups)))),
  }));
  const policies = groupPolicies(memberIds, subgroups);
  const start = performance.now();
  groups.push({ compiled: compileGroupRingback(policies, calendar, pick(ZONES)), members });
  compileMs += performance.now() - start;
}

// The arguments of each call are drawn up front, so that the timed loop measures resolution
// rather than the harness finding its way to a group and a member.
const sampleCompiled: CompiledGroupRingback[] = new Array(SAMPLES);
const sampleCallee: RingbackCallee[] = new Array(SAMPLES);
const sampleTime = new Float64Array(SAMPLES);
const sampleHourTime = new Float64Array(SAMPLES);
const busyHour = Date.UTC(2026, 2, 3, 2); // Tuesday 10:00 in Shanghai
for (let i = 0; i < SAMPLES; i++) {
  const group = pick(groups);
  sampleCompiled[i] = group.compiled;
  sampleCallee[i] = pick(group.members);
  sampleTime[i] = YEAR_START + Math.floor(random() * YEAR_MS);
  sampleHourTime[i] = busyHour + int(3_600_000);
}

/** One timed pass of ~2M resolutions; returns resolutions per second and the share matched. */
function run(times: Float64Array): { perSecond: number; matched: number } {
  let matched = 0;
  let checksum = 0;
  const start = performance.now();
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < SAMPLES; i++) {
      const decision = resolveRingback(sampleCompiled[i]!, sampleCallee[i]!, times[i]!);
      if (decision !== null) {
        matched++;
        checksum += decision.toneIds.length;
      }
    }
  }
  const seconds = (performance.now() - start) / 1000;
  if (checksum < 0) console.log(checksum); // keep the work observable
  return { perSecond: Math.round((SAMPLES * PASSES) / seconds), matched: matched / (SAMPLES * PASSES) };
}

// The numbers mean nothing if the fast path is wrong: spot-check it against the explanation,
// which walks every policy one by one.
for (let i = 0; i < 5_000; i++) {
  const fast = resolveRingback(sampleCompiled[i]!, sampleCallee[i]!, sampleTime[i]!)?.policyId ?? null;
  const slow = explainRingback(sampleCompiled[i]!, sampleCallee[i]!, sampleTime[i]!).policyId;
  if (fast !== slow) throw new Error(`sample ${i}: resolve says ${fast}, explain says ${slow}`);
}

const cases: [string, Float64Array][] = [
  ['varied times across 2026', sampleTime],
  ['one busy hour', sampleHourTime],
];
run(sampleTime); // warm-up: JIT and the per-zone offset caches
// Shared machines drift: time each case several times and report the median and the spread.
const results = cases.map(([name, times]) => {
  const rounds = Array.from({ length: ROUNDS }, () => run(times));
  const rates = rounds.map((r) => r.perSecond).sort((a, b) => a - b);
  return {
    name,
    resolutionsPerRound: SAMPLES * PASSES,
    rounds: ROUNDS,
    medianPerSecond: rates[Math.floor(ROUNDS / 2)]!,
    minPerSecond: rates[0]!,
    maxPerSecond: rates[ROUNDS - 1]!,
    matched: rounds[0]!.matched,
  };
});

const fmt = (n: number) => n.toLocaleString('en-US');
console.log(
  `ringback resolver: ${fmt(GROUPS)} groups × ${POLICIES_PER_GROUP} policies, ${MEMBERS_PER_GROUP} members each; ` +
    `compiled in ${compileMs.toFixed(0)} ms; ${ROUNDS} rounds of ${fmt(SAMPLES * PASSES)} resolutions per case`,
);
console.table(
  results.map((r) => ({
    case: r.name,
    'median resolutions/s': fmt(r.medianPerSecond),
    min: fmt(r.minPerSecond),
    max: fmt(r.maxPerSecond),
    'matched %': (r.matched * 100).toFixed(1),
  })),
);

const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'ringback-engine.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      bench: 'ringback-engine',
      node: process.version,
      groups: GROUPS,
      policiesPerGroup: POLICIES_PER_GROUP,
      membersPerGroup: MEMBERS_PER_GROUP,
      compileMs: Math.round(compileMs),
      results,
    },
    null,
    2,
  )}\n`,
);
