/**
 * The routing directory's model: the plain-data snapshot that every routing decision reads.
 *
 * The writer (./writer.ts) builds it from the store at start and keeps it current from committed
 * changes; everyone else reads it through the read-only types below. Engines import these
 * types with `import type` only: the model then costs them no runtime dependency on the store,
 * and they stay pure (no HTTP, SQL or clock).
 *
 * Maps are keyed for the lookups the hot path makes, so a decision is a handful of hash reads;
 * past the caller's lookup it follows direct references (member → group, member ↔ sub-groups,
 * short code → holder), because with a large directory each read by id is a cache miss.
 * The writer keeps both sides of every reference current.
 *
 * Each entry type comes twice: read-only (`MemberEntry`, what services and engines get) and
 * writable (`WritableMemberEntry`, what the writer and hand-built test fixtures hold). They are
 * the same objects; only the writer's handle lets them change.
 */

import type { CompiledGroupRingback } from '../../engines/ringback/compile.js';
import type {
  BusinessHours,
  Menu,
  OperatorStatus,
  SwitchboardFallback,
} from '../../engines/switchboard/types.js';
import { NumberIndex } from './number-index.js';

export type MemberStatus = 'active' | 'suspended';

export interface MemberEntry {
  /** Tells a member from a sub-group where either can hold a short code. */
  readonly kind: 'member';
  readonly id: string;
  readonly groupId: string;
  /** E.164, e.g. `+8613800138000`. */
  readonly msisdn: string;
  readonly name: string;
  readonly department: string | null;
  /** ISO 3166-2, e.g. `CN-HE`. */
  readonly homeProvince: string;
  readonly status: MemberStatus;
  readonly shortCode: string | null;
  /** Sub-groups (灵活组网) the member belongs to. */
  readonly subgroupIds: ReadonlySet<string>;
  /** Full pinyin of the name (`zhanglan`), for the phonebook search; absent: computed when needed. */
  readonly pinyin?: string | undefined;
  /** Pinyin initials of the name (`zl`). */
  readonly initials?: string | undefined;
  /** The member's group (the entry of `groupId`). */
  readonly group: GroupEntry;
  /** The sub-groups of `subgroupIds`, in the same (joining) order. */
  readonly subgroups: readonly SubgroupEntry[];
  /**
   * The switchboards where the member holds an extension (its list in
   * `RoutingDirectory.switchboardsByExtensionMember`); null when none.
   */
  readonly switchboards: readonly SwitchboardEntry[] | null;
}

export interface VpnSettings {
  readonly shortCodeMin: number;
  readonly shortCodeMax: number;
  readonly crossProvince: boolean;
  readonly showShortCode: boolean;
  /** The VPN's default on-net rate; null means the tariff catalogue's on-net rate. */
  readonly onnetRateFenPerMinute: number | null;
}

export interface SubgroupEntry {
  readonly kind: 'subgroup';
  readonly id: string;
  readonly groupId: string;
  readonly name: string;
  readonly shortCode: string | null;
  /** The sub-group's own on-net discount rate; null means the VPN's. */
  readonly onnetRateFenPerMinute: number | null;
  readonly memberIds: ReadonlySet<string>;
  /** The members of `memberIds`, in the same (joining) order. */
  readonly members: readonly MemberEntry[];
  /**
   * Who a message to the sub-group's code reaches: its active members in joining order, and
   * the same members as the recipients a route decision lists (shared: never mutated, rebuilt
   * by the writer whenever membership or a member's status or number changes).
   */
  readonly activeMembers: readonly MemberEntry[];
  readonly recipients: readonly SubgroupRecipient[];
}

/** An active member of a sub-group, as an SMS to the sub-group's code lists it. */
export interface SubgroupRecipient {
  readonly msisdn: string;
  readonly memberId: string;
}

/** What a short code in a group's numbering plan points at: the holder itself, told by `kind`. */
export type ShortCodeHolder = MemberEntry | SubgroupEntry;

export interface GroupEntry {
  readonly id: string;
  /** ISO 3166-2 province of the group's home. */
  readonly province: string;
  /** IANA zone, default `Asia/Shanghai`. */
  readonly timezone: string;
  /** null when the group has no VPN (集团网) subscription. */
  readonly vpn: VpnSettings | null;
  /** A NumberIndex (./number-index.ts), as the directory's number maps. */
  readonly shortCodes: ReadonlyMap<string, ShortCodeHolder>;
  readonly subgroups: ReadonlyMap<string, SubgroupEntry>;
  /**
   * The group's compiled ringback (集团彩铃) policies while at least one is enabled, else null:
   * what the routing hot path resolves a called member's tone from, through `member.group`
   * (no lookup by group id). The ringback service hands it to the writer after each committed
   * change.
   */
  readonly ringback: CompiledGroupRingback | null;
}

export interface SwitchboardEntry {
  readonly id: string;
  readonly groupId: string;
  /** E.164 pilot number (总机号码). */
  readonly pilotNumber: string;
  /** Digits an extension member dials before an outside number; null when outbound is off. */
  readonly outboundPrefix: string | null;
  /** extension → member id */
  readonly extensions: ReadonlyMap<string, string>;
  /** The welcome greeting (总机欢迎辞), as the text played. */
  readonly greeting: string;
  /** Played outside business hours; null: the greeting. */
  readonly afterHoursGreeting: string | null;
  /** null: always open. */
  readonly businessHours: BusinessHours | null;
  readonly menu: Menu;
  readonly fallback: SwitchboardFallback;
  /** member id → the operator's status at the desk (人工话务台). */
  readonly operators: ReadonlyMap<string, OperatorStatus>;
}

/** The routing directory as everyone but its writer sees it. */
export interface RoutingDirectory {
  /** A NumberIndex (./number-index.ts): read on every decision, by number rather than string. */
  readonly membersByMsisdn: ReadonlyMap<string, MemberEntry>;
  readonly membersById: ReadonlyMap<string, MemberEntry>;
  readonly groups: ReadonlyMap<string, GroupEntry>;
  /** E.164 pilot number → switchboard. */
  readonly switchboardsByPilot: ReadonlyMap<string, SwitchboardEntry>;
  readonly switchboardsById: ReadonlyMap<string, SwitchboardEntry>;
  /** member id → the switchboards where the member holds an extension (outbound calling). */
  readonly switchboardsByExtensionMember: ReadonlyMap<string, readonly SwitchboardEntry[]>;
  /** The conference bridge's access number as dialled (e.g. `95123`), or null when none. */
  readonly conferenceAccessNumber: string | null;
}

// ---- the writer's side: the same shapes, changeable -----------------------------------------

type Changeable<T> = { -readonly [K in keyof T]: T[K] };

export interface WritableMemberEntry
  extends Changeable<Omit<MemberEntry, 'subgroupIds' | 'group' | 'subgroups' | 'switchboards'>> {
  subgroupIds: Set<string>;
  group: WritableGroupEntry;
  subgroups: WritableSubgroupEntry[];
  switchboards: WritableSwitchboardEntry[] | null;
}

export interface WritableSubgroupEntry
  extends Changeable<Omit<SubgroupEntry, 'memberIds' | 'members' | 'activeMembers'>> {
  memberIds: Set<string>;
  members: WritableMemberEntry[];
  activeMembers: readonly WritableMemberEntry[];
}

export type WritableShortCodeHolder = WritableMemberEntry | WritableSubgroupEntry;

export interface WritableGroupEntry extends Changeable<Omit<GroupEntry, 'shortCodes' | 'subgroups'>> {
  shortCodes: Map<string, WritableShortCodeHolder>;
  subgroups: Map<string, WritableSubgroupEntry>;
}

export interface WritableSwitchboardEntry
  extends Changeable<Omit<SwitchboardEntry, 'extensions' | 'operators'>> {
  extensions: Map<string, string>;
  operators: Map<string, OperatorStatus>;
}

export interface WritableRoutingDirectory {
  membersByMsisdn: Map<string, WritableMemberEntry>;
  membersById: Map<string, WritableMemberEntry>;
  groups: Map<string, WritableGroupEntry>;
  switchboardsByPilot: Map<string, WritableSwitchboardEntry>;
  switchboardsById: Map<string, WritableSwitchboardEntry>;
  switchboardsByExtensionMember: Map<string, WritableSwitchboardEntry[]>;
  readonly conferenceAccessNumber: string | null;
}

export function emptyDirectory(conferenceAccessNumber: string | null = null): WritableRoutingDirectory {
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

/** The fan-out lists of a sub-group's members (the writer and test fixtures build them so). */
export function subgroupFanOut<M extends MemberEntry>(
  members: readonly M[],
): { activeMembers: readonly M[]; recipients: readonly SubgroupRecipient[] } {
  const activeMembers: M[] = [];
  const recipients: SubgroupRecipient[] = [];
  for (const member of members) {
    // A suspended member receives nothing, as a direct message to them would be refused.
    if (member.status === 'suspended') continue;
    activeMembers.push(member);
    recipients.push(Object.freeze({ msisdn: member.msisdn, memberId: member.id }));
  }
  return { activeMembers, recipients };
}
