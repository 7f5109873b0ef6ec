import { DateTime } from 'luxon';
import { formatDayNumber, isoWeekdayOf, localTimeOf } from '../../domain/time-zones.js';
import {
  type CompiledGroupRingback,
  type CompiledPolicy,
  compareRank,
  type RankKey,
  rankKeyOf,
  TIER_ALL,
  TIER_GROUP,
  TIER_MEMBER,
} from './compile.js';
import {
  isWorkingDay,
  MATCH,
  MISS_CALENDAR,
  MISS_DATE,
  MISS_NAMES,
  MISS_TIME,
  MISS_WEEKDAY,
  matchRecord,
  owningDay,
  RECORD,
} from './schedule.js';
import type {
  AudienceMatch,
  LossKey,
  RingbackCallee,
  RingbackCandidate,
  RingbackExplained,
  RingbackSchedule,
} from './types.js';

/**
 * Why a call gets the tone it gets: every policy of the group with its outcome.
 *
 * This walks all policies one by one instead of using the compiled lookup tables, so it doubles
 * as a reference implementation: tests check that it always picks what `resolveRingback` picks.
 */

const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const WEEKDAY_SHORT = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const TIER_OF: Record<AudienceMatch, number> = {
  member: TIER_MEMBER,
  subgroup: TIER_GROUP,
  department: TIER_GROUP,
  all: TIER_ALL,
};

interface AudienceHit {
  match: AudienceMatch;
  /** The member id, sub-group id or department that matched; null for `all`. */
  key: string | null;
}

function audienceOf(
  policy: CompiledPolicy,
  callee: RingbackCallee,
  subgroupIds: string[],
): AudienceHit | null {
  if (policy.memberIds.includes(callee.id)) return { match: 'member', key: callee.id };
  const subgroup = subgroupIds.find((id) => policy.subgroupIds.includes(id));
  if (subgroup !== undefined) return { match: 'subgroup', key: subgroup };
  if (callee.department !== null && policy.departments.includes(callee.department)) {
    return { match: 'department', key: callee.department };
  }
  if (policy.all) return { match: 'all', key: null };
  return null;
}

function describeAudience(hit: AudienceHit): string {
  switch (hit.match) {
    case 'member':
      return `member id ${hit.key}`;
    case 'subgroup':
      return `sub-group ${hit.key}`;
    case 'department':
      return `department ${hit.key}`;
    case 'all':
      return 'all members';
  }
}

function describeWindow(source: RingbackSchedule): string {
  return `${source.start ?? '00:00'}–${source.end ?? '24:00'}`;
}

/** E.g. `Mon, Fri 22:00–02:00, 2026-01-01…2026-12-31, workdays`. */
export function describeSchedule(source: RingbackSchedule): string {
  const parts: string[] = [];
  const days = source.weekdays?.length
    ? [...new Set(source.weekdays)]
        .sort((a, b) => a - b)
        .map((w) => WEEKDAY_SHORT[w] ?? String(w))
        .join(', ')
    : '';
  const time = source.start !== undefined || source.end !== undefined ? describeWindow(source) : '';
  const when = [days, time].filter(Boolean).join(' ');
  if (when) parts.push(when);
  if (source.dateFrom !== undefined || source.dateTo !== undefined) {
    parts.push(`${source.dateFrom ?? '…'}…${source.dateTo ?? '…'}`);
  }
  if (source.calendar !== undefined) parts.push(source.calendar);
  return parts.join(', ') || 'any time';
}

function describeMiss(
  code: number,
  policy: CompiledPolicy,
  dayNumber: number,
  minute: number,
  compiled: CompiledGroupRingback,
): string {
  const s = policy.schedule!;
  const source = s.source;
  const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  const day = owningDay(compiled.policyRecords, policy.index * RECORD, dayNumber, minute);
  const carried = day !== dayNumber ? ' (the window running now started the day before)' : '';
  switch (code) {
    case MISS_TIME:
      return s.start === s.end
        ? 'schedule does not match: time (the window is empty)'
        : `schedule does not match: time (${hhmm} local is outside ${describeWindow(source)})`;
    case MISS_WEEKDAY:
      return `schedule does not match: weekday (${WEEKDAY_NAMES[isoWeekdayOf(day)]}${carried} is not one of ${describeSchedule({ weekdays: source.weekdays ?? [] })})`;
    case MISS_DATE:
      return `schedule does not match: date (${formatDayNumber(day)}${carried} is outside ${source.dateFrom ?? '…'}…${source.dateTo ?? '…'})`;
    case MISS_CALENDAR:
      return `schedule does not match: calendar (${formatDayNumber(day)}${carried} is a ${isWorkingDay(compiled.calendar, day) ? 'working day' : 'day off'} by the group's calendar; the policy plays on ${source.calendar})`;
    default:
      return 'schedule does not match';
  }
}

interface Matching {
  policy: CompiledPolicy;
  hit: AudienceHit;
  key: RankKey;
}

const LOSS_KEYS: readonly LossKey[] = ['specificity', 'schedule', 'priority', 'age'];

function lossKey(loser: RankKey, winner: RankKey): LossKey {
  if (loser.tier !== winner.tier) return 'specificity';
  if (loser.hasSchedule !== winner.hasSchedule) return 'schedule';
  if (loser.priority !== winner.priority) return 'priority';
  return 'age';
}

function describeLoss(key: LossKey, loser: Matching, winner: Matching): string {
  switch (key) {
    case 'specificity':
      return `lost on specificity: applies by ${describeAudience(loser.hit)}, the winner by ${describeAudience(winner.hit)}`;
    case 'schedule':
      return 'lost on schedule: has no schedule, the winner has one that matches';
    case 'priority':
      return `lost on priority: ${loser.key.priority} is lower than the winner's ${winner.key.priority}`;
    case 'age':
      return loser.key.createdSeq !== winner.key.createdSeq
        ? `lost on age: older (created #${loser.key.createdSeq}) than the winner (created #${winner.key.createdSeq})`
        : `lost on age: created together with the winner; the tie goes to id ${winner.policy.id}`;
  }
}

/** The decision of `resolveRingback`, with every policy's outcome and the reason for it. */
export function explainRingback(
  compiled: CompiledGroupRingback,
  callee: RingbackCallee,
  atMs: number,
): RingbackExplained {
  const { dayNumber, minute } = localTimeOf(compiled.zone, atMs);
  const subgroupIds = [...callee.subgroupIds];

  const matching: Matching[] = [];
  const skipped: { candidate: RingbackCandidate; key: RankKey }[] = [];
  for (const policy of compiled.policies) {
    const hit = audienceOf(policy, callee, subgroupIds);
    const base = { policyId: policy.id, name: policy.name, audienceMatch: hit?.match ?? null };
    // Skipped ones are listed as they would rank if they had applied.
    const staticTier = policy.memberIds.length > 0 ? TIER_MEMBER : policy.all ? TIER_ALL : TIER_GROUP;
    const key = rankKeyOf(policy, hit === null ? staticTier : TIER_OF[hit.match]);
    if (!policy.enabled) {
      skipped.push({ key, candidate: { ...base, outcome: 'skipped', code: 'disabled', reason: 'disabled' } });
      continue;
    }
    if (hit === null) {
      const reason = 'audience does not include the callee';
      skipped.push({ key, candidate: { ...base, outcome: 'skipped', code: 'audience', reason } });
      continue;
    }
    if (policy.schedule !== null) {
      const code = matchRecord(
        compiled.policyRecords,
        policy.index * RECORD,
        dayNumber,
        minute,
        compiled.calendar,
      );
      if (code !== MATCH) {
        const reason = describeMiss(code, policy, dayNumber, minute, compiled);
        skipped.push({
          key,
          candidate: { ...base, outcome: 'skipped', code: `schedule.${MISS_NAMES[code]!}`, reason },
        });
        continue;
      }
    }
    matching.push({ policy, hit, key });
  }
  matching.sort((a, b) => compareRank(a.key, b.key));
  skipped.sort((a, b) => compareRank(a.key, b.key));

  const winner = matching[0];
  const candidates: RingbackCandidate[] = [];
  let winnerInfo: { policyId: string; reasons: string[] } | null = null;
  if (winner !== undefined) {
    const p = winner.policy;
    const reasons = [
      `applies to the callee by ${describeAudience(winner.hit)}`,
      p.schedule === null
        ? 'has no schedule (plays at any time)'
        : `schedule matches: ${describeSchedule(p.schedule.source)}`,
      `priority ${p.priority}`,
      `created #${p.createdSeq}`,
    ];
    const beaten = matching.length - 1;
    if (beaten > 0) {
      const counts = new Map<LossKey, number>();
      for (const m of matching.slice(1)) {
        const k = lossKey(m.key, winner.key);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const detail = LOSS_KEYS.filter((k) => counts.has(k))
        .map((k) => `${counts.get(k)} on ${k}`)
        .join(', ');
      reasons.push(`beat ${beaten} other matching ${beaten === 1 ? 'policy' : 'policies'} (${detail})`);
    } else {
      reasons.push('the only policy that applies at this time');
    }
    winnerInfo = { policyId: p.id, reasons };
    candidates.push({
      policyId: p.id,
      name: p.name,
      outcome: 'won',
      code: 'won',
      audienceMatch: winner.hit.match,
      reason: reasons.join('; '),
    });
    for (const loser of matching.slice(1)) {
      const k = lossKey(loser.key, winner.key);
      candidates.push({
        policyId: loser.policy.id,
        name: loser.policy.name,
        outcome: 'lost',
        code: `lost.${k}`,
        audienceMatch: loser.hit.match,
        reason: describeLoss(k, loser, winner),
      });
    }
  }
  for (const s of skipped) candidates.push(s.candidate);

  const decision = winner?.policy.decision;
  return {
    policyId: decision?.policyId ?? null,
    toneIds: decision?.toneIds ?? [],
    playback: decision?.playback ?? null,
    explanation: {
      local: {
        dateTime: DateTime.fromMillis(atMs, { zone: compiled.timezone }).toISO() ?? '',
        timezone: compiled.timezone,
        weekday: isoWeekdayOf(dayNumber),
        dayType: isWorkingDay(compiled.calendar, dayNumber) ? 'workday' : 'holiday',
      },
      winner: winnerInfo,
      candidates,
    },
  };
}
