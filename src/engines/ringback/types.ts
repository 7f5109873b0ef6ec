/**
 * Group ringback (集团彩铃) policies as the engine sees them: plain data in, a decision out.
 *
 * A policy says which tones callers of some members hear, optionally only at some times
 * (分时策略) and for some member groups (分组策略). The store hands the engine the policies of
 * one group with its calendar and time zone; `compileGroupRingback` turns them into lookup
 * tables once per change, and `resolveRingback` answers each call from those tables.
 */

/** 单首播放 (`single`: the first tone) or 多首循环播放 (`loop`: the tones in order, repeating). */
export type RingbackPlayback = 'single' | 'loop';

/**
 * Who a policy applies to: everybody, or any of the listed members, sub-groups (灵活组网) and
 * departments. A callee matched by member id is matched more specifically than one matched by
 * sub-group or department, who is matched more specifically than by `all`.
 */
export interface RingbackAudience {
  all?: boolean;
  memberIds?: string[];
  subgroupIds?: string[];
  departments?: string[];
}

/**
 * When a policy plays, in the group's local time. Every field given must hold.
 * `start` is inclusive, `end` exclusive; an `end` before `start` runs past midnight and the whole
 * window belongs to the day it starts on (its weekday, date and calendar day).
 */
export interface RingbackSchedule {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays?: number[];
  /** `HH:MM`; without `end`, until midnight. */
  start?: string;
  /** `HH:MM`; without `start`, from midnight. */
  end?: string;
  /** `YYYY-MM-DD`, inclusive. */
  dateFrom?: string;
  /** `YYYY-MM-DD`, inclusive. */
  dateTo?: string;
  /** Working days or days off by the group's calendar (public holidays, 调休 make-up days). */
  calendar?: 'workdays' | 'holidays';
}

export interface RingbackPolicy {
  id: string;
  name: string;
  appliesTo: RingbackAudience;
  schedule?: RingbackSchedule | null;
  toneIds: string[];
  playback: RingbackPlayback;
  /** Higher wins among equally specific policies; default 0. */
  priority?: number;
  /** Default true. */
  enabled?: boolean;
  /** Creation order: larger is newer, and the newest wins the final tie-break. */
  createdSeq: number;
}

/**
 * A group's calendar on top of Monday–Friday working weeks: `holidays` are days off,
 * `workdays` are make-up working days (调休), e.g. a Saturday that is worked. A date in both
 * lists counts as a day off.
 */
export interface GroupCalendar {
  holidays: readonly string[];
  workdays: readonly string[];
}

/** The called member: `MemberEntry` from the directory fits. */
export interface RingbackCallee {
  id: string;
  department: string | null;
  subgroupIds: ReadonlySet<string> | Iterable<string>;
}

/** The answer for one call. Shared between calls: do not mutate. */
export interface RingbackDecision {
  readonly policyId: string;
  readonly toneIds: readonly string[];
  readonly playback: RingbackPlayback;
}

/** How a policy's audience took in the callee; `member` beats `subgroup`/`department` beats `all`. */
export type AudienceMatch = 'member' | 'subgroup' | 'department' | 'all';

/** Which part of a schedule failed. */
export type ScheduleMiss = 'time' | 'weekday' | 'date' | 'calendar';

/** Why a candidate lost to the winner: the first ranking key on which they differ. */
export type LossKey = 'specificity' | 'schedule' | 'priority' | 'age';

export type CandidateCode = 'won' | 'disabled' | 'audience' | `schedule.${ScheduleMiss}` | `lost.${LossKey}`;

export interface RingbackCandidate {
  policyId: string;
  name: string;
  outcome: 'won' | 'lost' | 'skipped';
  /** Machine-readable form of `reason`. */
  code: CandidateCode;
  /** How the audience took in the callee, or null when it did not. */
  audienceMatch: AudienceMatch | null;
  reason: string;
}

export interface RingbackExplanation {
  /** The local time the schedules were read at. */
  local: {
    /** ISO 8601 with the zone's offset, e.g. `2026-10-01T00:00:00.000+08:00`. */
    dateTime: string;
    timezone: string;
    /** ISO weekday, 1 = Monday. */
    weekday: number;
    /** By the group's calendar. */
    dayType: 'workday' | 'holiday';
  };
  winner: { policyId: string; reasons: string[] } | null;
  /** Every policy of the group, in the order of the ranking (best first). */
  candidates: RingbackCandidate[];
}

export interface RingbackExplained {
  policyId: string | null;
  /** Empty when nothing matched. */
  toneIds: readonly string[];
  playback: RingbackPlayback | null;
  explanation: RingbackExplanation;
}

/** A problem with a policy's input; `path` is dotted (`schedule.start`, `toneIds.1`). */
export interface RingbackIssue {
  path: string;
  message: string;
}
