import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileGroupRingback,
  explainRingback,
  type RingbackCallee,
  type RingbackPolicy,
  type RingbackSchedule,
  resolveRingback,
} from '../../../../src/engines/ringback/index.js';

const MEMBERS = ['m1', 'm2', 'm3', 'm4'];
const SUBGROUPS = ['s1', 's2', 's3'];
const DEPARTMENTS = ['销售部', '研发部', '财务部'];
const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Adelaide', 'UTC'];
const CALENDAR = {
  holidays: ['2026-10-01', '2026-10-02', '2026-05-01'],
  workdays: ['2026-10-10', '2026-05-09'],
};
const FROM_MS = Date.UTC(2026, 0, 1);
const TO_MS = Date.UTC(2027, 0, 1);

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const ymd = (day: number) => new Date(FROM_MS + day * 86_400_000).toISOString().slice(0, 10);

const audienceArb = fc.oneof(
  fc.constant({ all: true }),
  fc
    .record(
      {
        memberIds: fc.subarray(MEMBERS, { minLength: 1 }),
        subgroupIds: fc.subarray(SUBGROUPS, { minLength: 1 }),
        departments: fc.subarray(DEPARTMENTS, { minLength: 1 }),
      },
      { requiredKeys: [] },
    )
    .filter((a) => Object.keys(a).length > 0),
);

const scheduleArb: fc.Arbitrary<RingbackSchedule> = fc
  .record(
    {
      weekdays: fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
      start: fc.integer({ min: 0, max: 1439 }).map(hhmm),
      end: fc.integer({ min: 1, max: 1439 }).map(hhmm),
      dateFrom: fc.integer({ min: 0, max: 364 }).map(ymd),
      dateTo: fc.integer({ min: 0, max: 364 }).map(ymd),
      calendar: fc.constantFrom('workdays' as const, 'holidays' as const),
    },
    { requiredKeys: [] },
  )
  .filter((s) => s.start === undefined || s.start !== (s.end ?? '24:00'))
  .filter((s) => s.dateFrom === undefined || s.dateTo === undefined || s.dateFrom <= s.dateTo);

const policiesArb: fc.Arbitrary<RingbackPolicy[]> = fc
  .array(
    fc.record({
      appliesTo: audienceArb,
      schedule: fc.option(scheduleArb, { nil: undefined }),
      priority: fc.integer({ min: 0, max: 2 }),
      enabled: fc.boolean(),
      playback: fc.constantFrom('single' as const, 'loop' as const),
    }),
    { maxLength: 25 },
  )
  .chain((drafts) =>
    // Unique creation order, unrelated to the array order.
    fc
      .shuffledSubarray(
        drafts.map((_, i) => i + 1),
        { minLength: drafts.length, maxLength: drafts.length },
      )
      .map((seqs) =>
        drafts.map((d, i) => ({
          ...d,
          id: `p${i}`,
          name: `policy ${i}`,
          toneIds: [`t${i}`],
          createdSeq: seqs[i]!,
        })),
      ),
  );

const calleeArb: fc.Arbitrary<RingbackCallee> = fc.record({
  id: fc.constantFrom(...MEMBERS, 'm-other'),
  department: fc.option(fc.constantFrom(...DEPARTMENTS, '后勤部'), { nil: null }),
  subgroupIds: fc.subarray(SUBGROUPS).map((ids) => new Set(ids)),
});

const timeArb = fc.integer({ min: FROM_MS, max: TO_MS });
const zoneArb = fc.constantFrom(...ZONES);

describe('resolution properties', () => {
  it('does not depend on the order the policies are supplied in', () => {
    fc.assert(
      fc.property(
        policiesArb.chain((ps) =>
          fc.tuple(fc.constant(ps), fc.shuffledSubarray(ps, { minLength: ps.length, maxLength: ps.length })),
        ),
        calleeArb,
        timeArb,
        zoneArb,
        ([policies, shuffled], who, atMs, zone) => {
          const a = resolveRingback(compileGroupRingback(policies, CALENDAR, zone), who, atMs);
          const b = resolveRingback(compileGroupRingback(shuffled, CALENDAR, zone), who, atMs);
          expect(b?.policyId ?? null).toBe(a?.policyId ?? null);
          // Deterministic: asking again gives the same answer.
          expect(resolveRingback(compileGroupRingback(policies, CALENDAR, zone), who, atMs)).toEqual(a);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('agrees with the policy-by-policy walk of the explanation', () => {
    fc.assert(
      fc.property(policiesArb, calleeArb, timeArb, zoneArb, (policies, who, atMs, zone) => {
        const compiled = compileGroupRingback(policies, CALENDAR, zone);
        const fast = resolveRingback(compiled, who, atMs);
        const explained = explainRingback(compiled, who, atMs);
        expect(explained.policyId).toBe(fast?.policyId ?? null);
        expect(explained.explanation.candidates).toHaveLength(policies.length);
        expect(explained.explanation.candidates.filter((c) => c.outcome === 'won')).toHaveLength(
          fast ? 1 : 0,
        );
      }),
      { numRuns: 600 },
    );
  });

  it('lets a matching member-specific policy beat every all-members policy', () => {
    fc.assert(
      fc.property(
        policiesArb,
        calleeArb,
        timeArb,
        zoneArb,
        fc.option(scheduleArb, { nil: undefined }),
        fc.integer({ min: -5, max: 0 }),
        (policies, who, atMs, zone, schedule, priority) => {
          const mine: RingbackPolicy = {
            id: 'mine',
            name: 'mine',
            appliesTo: { memberIds: [who.id] },
            schedule,
            toneIds: ['t-mine'],
            playback: 'single',
            priority,
            createdSeq: 0, // the oldest, with the lowest priority
          };
          const all = [...policies, mine];
          const compiled = compileGroupRingback(all, CALENDAR, zone);
          const mineApplies = explainRingback(compiled, who, atMs).explanation.candidates.some(
            (c) => c.policyId === 'mine' && c.outcome !== 'skipped',
          );
          fc.pre(mineApplies);
          const winner = all.find((p) => p.id === resolveRingback(compiled, who, atMs)?.policyId);
          expect(winner?.appliesTo.memberIds ?? []).toContain(who.id);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('midnight-crossing windows', () => {
  // Week of Monday 2026-01-05, UTC, so that minute-of-week is plain arithmetic.
  const MONDAY = Date.UTC(2026, 0, 5);
  const WEEK = 7 * 1440;

  /** Straightforward reference: the minutes of the week each weekday's window covers. */
  function covered(weekdays: number[], start: number, end: number, minuteOfWeek: number): boolean {
    return weekdays.some((w) => {
      const from = (w - 1) * 1440 + start;
      const length = end > start ? end - start : 1440 - start + end;
      const offset = (((minuteOfWeek - from) % WEEK) + WEEK) % WEEK;
      return offset < length;
    });
  }

  it('match exactly the minutes they cover', () => {
    fc.assert(
      fc.property(
        fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: WEEK - 1 }),
        fc.integer({ min: 0, max: 59_999 }),
        (weekdays, start, end, minuteOfWeek, ms) => {
          fc.pre(start !== end);
          const compiled = compileGroupRingback(
            [
              {
                id: 'w',
                name: 'w',
                appliesTo: { all: true },
                schedule: { weekdays, start: hhmm(start), end: hhmm(end) },
                toneIds: ['t'],
                playback: 'single',
                createdSeq: 1,
              },
            ],
            { holidays: [], workdays: [] },
            'UTC',
          );
          const atMs = MONDAY + minuteOfWeek * 60_000 + ms;
          const hit =
            resolveRingback(compiled, { id: 'm', department: null, subgroupIds: [] }, atMs) !== null;
          expect(hit).toBe(covered(weekdays, start, end, minuteOfWeek));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
