import { DAY_MS, MINUTE_MS } from '../../domain/time-zones.js';
import { type CompiledGroupRingback, MEMBER_FILTER, mayHold, NO_RANK, SUBGROUP_FILTER } from './compile.js';
import { type CalendarTable, MATCH, matchRecord, RECORD } from './schedule.js';
import type { RingbackCallee, RingbackDecision } from './types.js';

/**
 * The hot path: which tone a caller hears when calling `callee` at `atMs`.
 *
 * Per call: one cached offset read, a hash lookup per audience key of the callee that the
 * group's filters let through, and a scan of rank-ordered records that stops at the first
 * whose schedule matches. Decisions are built at compile time, so nothing is allocated here.
 */

/** No rank: larger than any real one, so it also serves as "no limit". */
const NONE = NO_RANK;

/** The rank of the first record of the list at `offset` ranked before `rankLimit` that matches, or NONE. */
function firstMatch(
  lists: Int32Array,
  offset: number,
  dayNumber: number,
  minute: number,
  calendar: CalendarTable,
  rankLimit: number,
): number {
  const end = offset + 1 + lists[offset]! * RECORD;
  for (let at = offset + 1; at < end; at += RECORD) {
    const rank = lists[at]!;
    if (rank >= rankLimit) return NONE;
    if (matchRecord(lists, at, dayNumber, minute, calendar) === MATCH) return rank;
  }
  return NONE;
}

/** The winning policy's tones for a call to `callee` at epoch ms `atMs`, or null when none applies. */
export function resolveRingback(
  compiled: CompiledGroupRingback,
  callee: RingbackCallee,
  atMs: number,
): RingbackDecision | null {
  const { lists, calendar, byMember, byDepartment, bySubgroup, decisions } = compiled;
  const { id, department, subgroupIds } = callee;
  let dayNumber = 0;
  let minute = 0;
  if (compiled.needsClock) {
    // localTimeOf, written out: the hot path allocates no object per call.
    if (!Number.isFinite(atMs)) throw new RangeError(`not a time: ${atMs}`);
    const local = atMs + compiled.zone.offsetMs(atMs);
    dayNumber = Math.floor(local / DAY_MS);
    minute = Math.floor((local - dayNumber * DAY_MS) / MINUTE_MS);
  }

  // Member ids are the most specific tier: any match here wins outright.
  if (byMember.size > 0 && mayHold(lists, MEMBER_FILTER, id)) {
    const own = byMember.get(id);
    if (own !== undefined) {
      const rank = firstMatch(lists, own, dayNumber, minute, calendar, NONE);
      if (rank !== NONE) return decisions[rank]!;
    }
  }

  // Sub-groups and departments share a tier: the best-ranked match across the callee's keys.
  let best = NONE;
  if (department !== null && byDepartment.size > 0) {
    const list = byDepartment.get(department);
    if (list !== undefined) best = firstMatch(lists, list, dayNumber, minute, calendar, NONE);
  }
  if (best > compiled.firstSubgroupRank) {
    for (const subgroupId of subgroupIds) {
      if (!mayHold(lists, SUBGROUP_FILTER, subgroupId)) continue;
      const list = bySubgroup.get(subgroupId);
      if (list !== undefined) {
        const rank = firstMatch(lists, list, dayNumber, minute, calendar, best);
        if (rank !== NONE) best = rank;
      }
    }
  }
  if (best !== NONE) return decisions[best]!;

  const rank = firstMatch(lists, compiled.forAll, dayNumber, minute, calendar, NONE);
  return rank === NONE ? null : decisions[rank]!;
}
