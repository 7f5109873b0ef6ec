/**
 * The in-memory directory: the plain-data snapshot that every routing decision reads.
 *
 * The store builds it from SQLite at start and keeps it current write-through after each
 * committed change; engines only read it. Nothing here knows about HTTP, SQL or the clock.
 * Maps are keyed for the lookups the hot path makes, so a decision is a handful of hash reads;
 * past the caller's lookup it follows direct references (member → group, member ↔ sub-groups,
 * short code → holder), because with a large directory each read by id is a cache miss.
 * The store keeps both sides of every reference current (src/store/directory-store.ts).
 */

import { NumberIndex } from './number-index.js';
import type { CompiledGroupRingback } from './ringback/compile.js';
import type { BusinessHours, Menu, OperatorStatus, SwitchboardFallback } from './switchboard/types.js';

export type MemberStatus = 'active' | 'suspended';

export interface MemberEntry {
  /** Tells a member from a sub-group where either can hold a short code. */
  kind: 'member';
  id: string;
  groupId: string;
  /** E.164, e.g. `+8613800138000`. */
  msisdn: string;
  name: string;
  department: string | null;
  /** ISO 3166-2, e.g. `CN-HE`. */
  homeProvince: string;
  status: MemberStatus;
  shortCode: string | null;
  /** Sub-groups (灵活组网) the member belongs to. */
  subgroupIds: Set<string>;
  /** Full pinyin of the name (`zhanglan`), for directory search; absent: computed when needed. */
  pinyin?: string | undefined;
  /** Pinyin initials of the name (`zl`). */
  initials?: string | undefined;
  /** The member's group (the entry of `groupId`). */
  group: GroupEntry;
  /** The sub-groups of `subgroupIds`, in the same (joining) order. */
  subgroups: SubgroupEntry[];
  /**
   * The switchboards where the member holds an extension (its list in
   * `Directory.switchboardsByExtensionMember`); null when none.
   */
  switchboards: SwitchboardEntry[] | null;
}

export interface VpnSettings {
  shortCodeMin: number;
  shortCodeMax: number;
  crossProvince: boolean;
  showShortCode: boolean;
  /** The VPN's default on-net rate; null means the tariff catalogue's on-net rate. */
  onnetRateFenPerMinute: number | null;
}

export interface SubgroupEntry {
  kind: 'subgroup';
  id: string;
  groupId: string;
  name: string;
  shortCode: string | null;
  /** The sub-group's own on-net discount rate; null means the VPN's. */
  onnetRateFenPerMinute: number | null;
  memberIds: Set<string>;
  /** The members of `memberIds`, in the same (joining) order. */
  members: MemberEntry[];
  /**
   * Who a message to the sub-group's code reaches: its active members in joining order, and
   * the same members as the recipients a route decision lists (shared: never mutated, rebuilt
   * by the store whenever membership or a member's status or number changes).
   */
  activeMembers: readonly MemberEntry[];
  recipients: readonly SubgroupRecipient[];
}

/** An active member of a sub-group, as an SMS to the sub-group's code lists it. */
export interface SubgroupRecipient {
  readonly msisdn: string;
  readonly memberId: string;
}

/** The fan-out lists of a sub-group's members (the store and test fixtures build them so). */
export function subgroupFanOut(
  members: readonly MemberEntry[],
): Pick<SubgroupEntry, 'activeMembers' | 'recipients'> {
  const activeMembers: MemberEntry[] = [];
  const recipients: SubgroupRecipient[] = [];
  for (const member of members) {
    // A suspended member receives nothing, as a direct message to them would be refused.
    if (member.status === 'suspended') continue;
    activeMembers.push(member);
    recipients.push(Object.freeze({ msisdn: member.msisdn, memberId: member.id }));
  }
  return { activeMembers, recipients };
}

/** What a short code in a group's numbering plan points at: the holder itself, told by `kind`. */
export type ShortCodeHolder = MemberEntry | SubgroupEntry;

export interface GroupEntry {
  id: string;
  /** ISO 3166-2 province of the group's home. */
  province: string;
  /** IANA zone, default `Asia/Shanghai`. */
  timezone: string;
  /** null when the group has no VPN (集团网) subscription. */
  vpn: VpnSettings | null;
  /** A NumberIndex (./number-index.ts), as the directory's number maps. */
  shortCodes: Map<string, ShortCodeHolder>;
  subgroups: Map<string, SubgroupEntry>;
  /**
   * The group's compiled ringback (集团彩铃) policies while at least one is enabled, else null:
   * what the routing hot path resolves a called member's tone from, through `member.group`
   * (no lookup by group id). The ringback service sets it after each committed change.
   */
  ringback: CompiledGroupRingback | null;
}

export interface SwitchboardEntry {
  id: string;
  groupId: string;
  /** E.164 pilot number (总机号码). */
  pilotNumber: string;
  /** Digits an extension member dials before an outside number; null when outbound is off. */
  outboundPrefix: string | null;
  /** extension → member id */
  extensions: Map<string, string>;
  /** The welcome greeting (总机欢迎辞), as the text played. */
  greeting: string;
  /** Played outside business hours; null: the greeting. */
  afterHoursGreeting: string | null;
  /** null: always open. */
  businessHours: BusinessHours | null;
  menu: Menu;
  fallback: SwitchboardFallback;
  /** member id → the operator's status at the desk (人工话务台). */
  operators: Map<string, OperatorStatus>;
}

export interface Directory {
  /** A NumberIndex (./number-index.ts): read on every decision, by number rather than string. */
  membersByMsisdn: Map<string, MemberEntry>;
  membersById: Map<string, MemberEntry>;
  groups: Map<string, GroupEntry>;
  /** E.164 pilot number → switchboard. */
  switchboardsByPilot: Map<string, SwitchboardEntry>;
  switchboardsById: Map<string, SwitchboardEntry>;
  /** member id → the switchboards where the member holds an extension (outbound calling). */
  switchboardsByExtensionMember: Map<string, SwitchboardEntry[]>;
  /** The conference bridge's access number as dialled (e.g. `95123`), or null when none. */
  conferenceAccessNumber: string | null;
}

export function emptyDirectory(conferenceAccessNumber: string | null = null): Directory {
  return {
    membersByMsisdn: new NumberIndex(),
    membersById: new Map(),
    groups: new Map(),
    switchboardsByPilot: new NumberIndex(),
    switchboardsById: new Map(),
    switchboardsByExtensionMember: new Map(),
    conferenceAccessNumber,
  };
}
