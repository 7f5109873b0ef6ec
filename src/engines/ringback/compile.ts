import { type ZoneOffsets, zoneOffsets } from '../../domain/time-zones.js';
import {
  type CalendarTable,
  type CompiledSchedule,
  compileCalendar,
  compileSchedule,
  hasScheduleConstraints,
  RECORD,
  writeRecord,
} from './schedule.js';
import type { GroupCalendar, RingbackDecision, RingbackPolicy } from './types.js';

/**
 * Compiles one group's ringback policies into lookup tables.
 *
 * The ranking is (audience specificity, has a schedule, priority, newest). Only specificity
 * depends on the callee, and only through which part of the audience took them in, so each
 * enabled policy becomes one entry per audience tier it names (member ids; sub-groups or
 * departments; all). Sorting the entries by the full key once gives every entry a rank, and
 * every list below is in rank order: resolution takes the first entry whose schedule matches.
 *
 * The lists live in one Int32Array per group, each entry a schedule record (see `RECORD`)
 * tagged with its rank, and the maps point at list offsets: with a thousand groups in memory
 * a resolution's cost is mostly cache misses, and a scan of adjacent ints costs far fewer of
 * those than a walk through small objects. For the same reason the array opens with two
 * 256-bit filters over the member ids and sub-group ids that have lists: most callees are
 * named by no policy, and a filter bit spares them a hash-table probe that would miss.
 */

export const TIER_ALL = 0;
/** Sub-groups and departments rank alike. */
export const TIER_GROUP = 1;
export const TIER_MEMBER = 2;
export type Tier = typeof TIER_ALL | typeof TIER_GROUP | typeof TIER_MEMBER;

export interface CompiledPolicy {
  /** Position in `CompiledGroupRingback.policies`; its record is at `index * RECORD` of `policyRecords`. */
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly priority: number;
  readonly createdSeq: number;
  readonly all: boolean;
  /** Arrays, not sets: only compilation and explanations read them, and a thousand groups' worth of small sets would crowd the hot tables out of the cache. */
  readonly memberIds: readonly string[];
  readonly subgroupIds: readonly string[];
  readonly departments: readonly string[];
  /** null when the policy has no schedule (or an empty one): it always plays. */
  readonly schedule: CompiledSchedule | null;
  readonly decision: RingbackDecision;
}

/** One audience tier of one enabled policy, with its place in the group's ranking. */
export interface RankedEntry {
  /** 0 is the best; lower ranks beat higher ones. */
  readonly rank: number;
  readonly tier: Tier;
  readonly policy: CompiledPolicy;
}

export interface CompiledGroupRingback {
  readonly timezone: string;
  readonly zone: ZoneOffsets;
  readonly calendar: CalendarTable;
  /** Whether any enabled policy has a schedule: if not, resolution never reads the time. */
  readonly needsClock: boolean;
  /**
   * The member-id filter (FILTER_WORDS words at MEMBER_FILTER), the sub-group filter (at
   * SUBGROUP_FILTER), then the lists: at each list's offset its length, then that many records
   * in rank order, each tagged with its rank. The `{all: true}` list comes first.
   */
  readonly lists: Int32Array;
  /** Audience key → offset of its list in `lists`. */
  readonly byMember: ReadonlyMap<string, number>;
  readonly bySubgroup: ReadonlyMap<string, number>;
  readonly byDepartment: ReadonlyMap<string, number>;
  /** The best rank among sub-group entries: a department match ranked before it ends the search. */
  readonly firstSubgroupRank: number;
  /** Offset of the list of `{all: true}` entries. */
  readonly forAll: number;
  /** rank → the decision it gives. */
  readonly decisions: readonly RingbackDecision[];
  /** Entries by rank. */
  readonly entries: readonly RankedEntry[];
  /** Every policy supplied, disabled ones included, in the order supplied (for explanations). */
  readonly policies: readonly CompiledPolicy[];
  /** One record per policy, tagged with its index, in the order of `policies`. */
  readonly policyRecords: Int32Array;
}

/** What the ranking compares, best first: negative when `a` beats `b`. */
export interface RankKey {
  tier: number;
  hasSchedule: boolean;
  priority: number;
  createdSeq: number;
  id: string;
}

export function compareRank(a: RankKey, b: RankKey): number {
  if (a.tier !== b.tier) return b.tier - a.tier;
  if (a.hasSchedule !== b.hasSchedule) return a.hasSchedule ? -1 : 1;
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.createdSeq !== b.createdSeq) return b.createdSeq - a.createdSeq;
  // Only reached when creation order ties, which the store never produces: keep it deterministic.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function rankKeyOf(policy: CompiledPolicy, tier: number): RankKey {
  return {
    tier,
    hasSchedule: policy.schedule !== null,
    priority: policy.priority,
    createdSeq: policy.createdSeq,
    id: policy.id,
  };
}

const NONE_LISTED: readonly string[] = Object.freeze([]);

function distinct(keys: readonly string[] | undefined): readonly string[] {
  return keys === undefined || keys.length === 0 ? NONE_LISTED : Object.freeze([...new Set(keys)]);
}

function decisionOf(policy: RingbackPolicy): RingbackDecision {
  return Object.freeze({
    policyId: policy.id,
    toneIds: Object.freeze([...policy.toneIds]),
    playback: policy.playback,
  });
}

function compilePolicy(policy: RingbackPolicy, index: number, decision: RingbackDecision): CompiledPolicy {
  const where = `ringback policy ${policy.id}`;
  const schedule =
    policy.schedule != null && hasScheduleConstraints(policy.schedule)
      ? compileSchedule(policy.schedule, where)
      : null;
  const audience = policy.appliesTo;
  return {
    index,
    id: policy.id,
    name: policy.name,
    enabled: policy.enabled ?? true,
    priority: policy.priority ?? 0,
    createdSeq: policy.createdSeq,
    all: audience.all === true,
    memberIds: distinct(audience.memberIds),
    subgroupIds: distinct(audience.subgroupIds),
    departments: distinct(audience.departments),
    schedule,
    decision,
  };
}

export const FILTER_WORDS = 8;
export const MEMBER_FILTER = 0;
export const SUBGROUP_FILTER = FILTER_WORDS;
const FIRST_LIST = 2 * FILTER_WORDS;
/** Larger than any rank. */
export const NO_RANK = 0x7fffffff;

/** Bit of `key` in a 256-bit filter: its length and last two characters, mixed. */
export function filterBit(key: string): number {
  const n = key.length;
  if (n === 0) return 0;
  return (n * 7 + key.charCodeAt(n - 1) * 31 + (n > 1 ? key.charCodeAt(n - 2) * 131 : 0)) & 255;
}

/** Whether the filter at `base` may hold `key` (false: it certainly does not). */
export function mayHold(lists: Int32Array, base: number, key: string): boolean {
  const bit = filterBit(key);
  return (lists[base + (bit >>> 5)]! & (1 << (bit & 31))) !== 0;
}

function addToFilter(lists: Int32Array, base: number, key: string): void {
  const bit = filterBit(key);
  lists[base + (bit >>> 5)]! |= 1 << (bit & 31);
}

function push(map: Map<string, RankedEntry[]>, key: string, entry: RankedEntry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [entry]);
  else list.push(entry);
}

/**
 * Compiles a group's policies, calendar and IANA time zone. Expects input that
 * `validateRingbackPolicy` accepted; throws a RangeError naming the policy or calendar field
 * when a time, date, weekday or the zone cannot be read.
 */
export function compileGroupRingback(
  policies: readonly RingbackPolicy[],
  calendar: GroupCalendar,
  timezone: string,
): CompiledGroupRingback {
  const zone = zoneOffsets(timezone);
  // Decisions first, in one go: allocated side by side, a winner and its tone list tend to
  // share a cache line.
  const decisionsByPolicy = policies.map(decisionOf);
  const compiled = policies.map((policy, index) => compilePolicy(policy, index, decisionsByPolicy[index]!));

  const unranked: { key: RankKey; tier: Tier; policy: CompiledPolicy }[] = [];
  for (const policy of compiled) {
    if (!policy.enabled) continue;
    const tiers: Tier[] = [];
    if (policy.memberIds.length > 0) tiers.push(TIER_MEMBER);
    if (policy.subgroupIds.length > 0 || policy.departments.length > 0) tiers.push(TIER_GROUP);
    if (policy.all) tiers.push(TIER_ALL);
    for (const tier of tiers) unranked.push({ key: rankKeyOf(policy, tier), tier, policy });
  }
  unranked.sort((a, b) => compareRank(a.key, b.key));
  const entries = unranked.map(({ tier, policy }, rank): RankedEntry => ({ rank, tier, policy }));

  const members = new Map<string, RankedEntry[]>();
  const subgroups = new Map<string, RankedEntry[]>();
  const departments = new Map<string, RankedEntry[]>();
  const everyone: RankedEntry[] = [];
  for (const entry of entries) {
    const { tier, policy } = entry;
    if (tier === TIER_MEMBER) for (const id of policy.memberIds) push(members, id, entry);
    else if (tier === TIER_GROUP) {
      for (const id of policy.subgroupIds) push(subgroups, id, entry);
      for (const department of policy.departments) push(departments, department, entry);
    } else everyone.push(entry);
  }

  // Lay every list out in one array after the filters: [length, record, record, …], entries
  // in rank order; the list for everybody first, next to the filters that every call reads.
  const sources = [everyone, ...members.values(), ...subgroups.values(), ...departments.values()];
  const lists = new Int32Array(sources.reduce((size, list) => size + 1 + list.length * RECORD, FIRST_LIST));
  for (const id of members.keys()) addToFilter(lists, MEMBER_FILTER, id);
  for (const id of subgroups.keys()) addToFilter(lists, SUBGROUP_FILTER, id);
  let cursor = FIRST_LIST;
  const place = (list: RankedEntry[]): number => {
    const offset = cursor;
    lists[cursor++] = list.length;
    for (const entry of list) {
      writeRecord(lists, cursor, entry.rank, entry.policy.schedule);
      cursor += RECORD;
    }
    return offset;
  };
  const offsets = (map: Map<string, RankedEntry[]>) =>
    new Map([...map].map(([key, list]): [string, number] => [key, place(list)]));
  const forAll = place(everyone);
  const byMember = offsets(members);
  const bySubgroup = offsets(subgroups);
  const byDepartment = offsets(departments);

  const policyRecords = new Int32Array(compiled.length * RECORD);
  for (const policy of compiled)
    writeRecord(policyRecords, policy.index * RECORD, policy.index, policy.schedule);

  // The fields every resolution reads come first, so that they share the object's first
  // cache lines; the rest serve explanations.
  return {
    lists,
    byMember,
    byDepartment,
    bySubgroup,
    decisions: entries.map((entry) => entry.policy.decision),
    forAll,
    firstSubgroupRank: Math.min(NO_RANK, ...[...subgroups.values()].map((list) => list[0]!.rank)),
    needsClock: entries.some((entry) => entry.policy.schedule !== null),
    zone,
    calendar: compileCalendar(calendar.holidays, calendar.workdays),
    timezone,
    entries,
    policies: compiled,
    policyRecords,
  };
}
