import type { CompiledGroupRingback } from '../../engines/ringback/compile.js';
import type {
  BusinessHours,
  Menu,
  OperatorStatus,
  SwitchboardFallback,
} from '../../engines/switchboard/types.js';
import {
  emptyDirectory,
  type MemberEntry,
  type RoutingDirectory,
  subgroupFanOut,
  type VpnSettings,
  type WritableGroupEntry,
  type WritableMemberEntry,
  type WritableSubgroupEntry,
  type WritableSwitchboardEntry,
} from './model.js';
import { NumberIndex } from './number-index.js';

/**
 * The routing directory's one writer: the only way to change it. Services call these methods
 * with what they have just committed (write-through: the write first, then the writer, never
 * the other way round), so the routing hot path reads a directory that always agrees with the
 * system of record and never queries it. Everyone else gets `directory`, the read-only view.
 *
 * Entries are updated in place and never replaced, so the direct references between them
 * (member → group, member ↔ sub-groups, short code → holder, member → switchboards) stay valid;
 * every method that changes one side of a reference changes the other side too.
 */

export interface GroupFacts {
  id: string;
  province: string;
  timezone: string;
}

export interface MemberFacts {
  id: string;
  groupId: string;
  msisdn: string;
  name: string;
  department: string | null;
  homeProvince: string;
  status: string;
  shortCode: string | null;
  /** Search keys of the name (members rows carry them); absent: left to the searcher. */
  namePinyin?: string | undefined;
  nameInitials?: string | undefined;
}

export interface SubgroupFacts {
  id: string;
  groupId: string;
  name: string;
  shortCode: string | null;
  onnetRateFenPerMinute: number | null;
}

export interface SwitchboardFacts {
  id: string;
  groupId: string;
  pilotNumber: string;
  greeting: string;
  afterHoursGreeting: string | null;
  businessHours: BusinessHours | null;
  menu: Menu;
  outboundPrefix: string | null;
  fallback: SwitchboardFallback;
}

export interface DirectorySnapshot {
  groups: GroupFacts[];
  vpns: Array<VpnSettings & { groupId: string }>;
  members: MemberFacts[];
  subgroups: SubgroupFacts[];
  subgroupMembers: Array<{ subgroupId: string; memberId: string }>;
  switchboards?: SwitchboardFacts[];
  switchboardExtensions?: Array<{ switchboardId: string; extension: string; memberId: string }>;
  switchboardOperators?: Array<{ switchboardId: string; memberId: string; status: OperatorStatus }>;
}

export function createDirectoryWriter(conferenceAccessNumber: string | null) {
  const directory = emptyDirectory(conferenceAccessNumber);
  const { groups, membersById, membersByMsisdn } = directory;
  const { switchboardsById, switchboardsByPilot, switchboardsByExtensionMember } = directory;

  const group = (id: string): WritableGroupEntry | undefined => groups.get(id);

  // Revisions: bumped whenever a group's members or a switchboard's extensions change, so that
  // what is derived from them (a switchboard's phonebook index) knows it is stale.
  const groupRevisions = new Map<string, number>();
  /** group id → its members, for what reads a whole group (a switchboard's phonebook). */
  const groupMembers = new Map<string, Map<string, WritableMemberEntry>>();
  const switchboardRevisions = new Map<string, number>();
  const bump = (revisions: Map<string, number>, id: string) =>
    revisions.set(id, (revisions.get(id) ?? 0) + 1);

  /** The member's outbound list, in the map and on the member alike (null: none). */
  const setExtensionSwitchboards = (memberId: string, list: WritableSwitchboardEntry[] | null) => {
    if (list === null) switchboardsByExtensionMember.delete(memberId);
    else switchboardsByExtensionMember.set(memberId, list);
    const member = membersById.get(memberId);
    if (member !== undefined) member.switchboards = list;
  };

  /** Adds the switchboard to the member's outbound list (once). */
  const linkExtensionMember = (memberId: string, switchboard: WritableSwitchboardEntry) => {
    const list = switchboardsByExtensionMember.get(memberId);
    if (list === undefined) setExtensionSwitchboards(memberId, [switchboard]);
    else if (!list.includes(switchboard)) list.push(switchboard);
  };

  /** Drops the switchboard from the member's outbound list when they hold no extension on it any more. */
  const unlinkExtensionMember = (memberId: string, switchboard: WritableSwitchboardEntry) => {
    for (const holder of switchboard.extensions.values()) if (holder === memberId) return;
    const list = switchboardsByExtensionMember.get(memberId);
    if (list === undefined) return;
    const rest = list.filter((s) => s !== switchboard);
    setExtensionSwitchboards(memberId, rest.length === 0 ? null : rest);
  };

  /**
   * Rebuilds a sub-group's fan-out lists after its membership or a member's status or number
   * changed. While a snapshot loads, sub-groups are rebuilt once at its end instead.
   */
  let loading: Set<WritableSubgroupEntry> | null = null;
  const refreshFanOut = (subgroup: WritableSubgroupEntry) => {
    if (loading !== null) loading.add(subgroup);
    else Object.assign(subgroup, subgroupFanOut(subgroup.members));
  };

  /** Removes `item` from `list` in place, keeping the order of the rest. */
  const drop = <T>(list: T[], item: T) => {
    const at = list.indexOf(item);
    if (at >= 0) list.splice(at, 1);
  };

  /** The directory as everyone but the writer reads it: the same objects, read-only types. */
  const view: RoutingDirectory = directory;

  const writer = {
    directory: view,

    load(snapshot: DirectorySnapshot) {
      for (const g of snapshot.groups) writer.putGroup(g);
      for (const v of snapshot.vpns) writer.setVpn(v.groupId, v);
      for (const m of snapshot.members) writer.putMember(m);
      for (const s of snapshot.subgroups) writer.putSubgroup(s);
      const joined = new Set<WritableSubgroupEntry>();
      loading = joined;
      try {
        for (const link of snapshot.subgroupMembers) writer.joinSubgroup(link.subgroupId, link.memberId);
      } finally {
        loading = null;
      }
      for (const subgroup of joined) refreshFanOut(subgroup);
      for (const s of snapshot.switchboards ?? []) writer.putSwitchboard(s);
      for (const e of snapshot.switchboardExtensions ?? [])
        writer.putExtension(e.switchboardId, e.extension, e.memberId);
      for (const o of snapshot.switchboardOperators ?? [])
        writer.putOperator(o.switchboardId, o.memberId, o.status);
    },

    /** The group's members, in no particular order. */
    membersOf: (groupId: string): Iterable<MemberEntry> => groupMembers.get(groupId)?.values() ?? [],
    /** Bumped by every change to the group's members. */
    groupRevision: (groupId: string): number => groupRevisions.get(groupId) ?? 0,
    /** Bumped by every change to the switchboard's extensions. */
    switchboardRevision: (switchboardId: string): number => switchboardRevisions.get(switchboardId) ?? 0,

    putGroup(facts: GroupFacts) {
      const existing = groups.get(facts.id);
      if (existing) {
        existing.province = facts.province;
        existing.timezone = facts.timezone;
        return;
      }
      groups.set(facts.id, {
        id: facts.id,
        province: facts.province,
        timezone: facts.timezone,
        vpn: null,
        shortCodes: new NumberIndex(),
        subgroups: new Map(),
        ringback: null,
      });
    },

    removeGroup(groupId: string) {
      const entry = groups.get(groupId);
      if (!entry) return;
      for (const member of [...membersById.values()])
        if (member.groupId === groupId) writer.removeMember(member.id);
      for (const switchboard of [...switchboardsById.values()])
        if (switchboard.groupId === groupId) writer.removeSwitchboard(switchboard.id);
      groups.delete(groupId);
      groupRevisions.delete(groupId);
      groupMembers.delete(groupId);
    },

    setVpn(groupId: string, settings: VpnSettings | null) {
      const entry = group(groupId);
      if (!entry) return;
      entry.vpn = settings
        ? {
            shortCodeMin: settings.shortCodeMin,
            shortCodeMax: settings.shortCodeMax,
            crossProvince: settings.crossProvince,
            showShortCode: settings.showShortCode,
            onnetRateFenPerMinute: settings.onnetRateFenPerMinute,
          }
        : null;
    },

    /**
     * Swaps a group's compiled ringback policies in (null: none enabled). The ringback service
     * compiles them before its write and hands them over once the write has committed.
     */
    setGroupRingback(groupId: string, compiled: CompiledGroupRingback | null) {
      const entry = group(groupId);
      if (entry) entry.ringback = compiled;
    },

    putMember(facts: MemberFacts) {
      const entry = group(facts.groupId);
      if (!entry) return;
      bump(groupRevisions, facts.groupId);
      const existing = membersById.get(facts.id);
      if (existing) {
        const status = facts.status === 'suspended' ? 'suspended' : 'active';
        const fanOutChanges = existing.status !== status || existing.msisdn !== facts.msisdn;
        if (existing.msisdn !== facts.msisdn) membersByMsisdn.delete(existing.msisdn);
        if (existing.shortCode !== null && existing.shortCode !== facts.shortCode) {
          entry.shortCodes.delete(existing.shortCode);
        }
        existing.msisdn = facts.msisdn;
        existing.name = facts.name;
        existing.department = facts.department;
        existing.homeProvince = facts.homeProvince;
        existing.status = status;
        existing.shortCode = facts.shortCode;
        existing.pinyin = facts.namePinyin;
        existing.initials = facts.nameInitials;
        membersByMsisdn.set(existing.msisdn, existing);
        if (existing.shortCode !== null) entry.shortCodes.set(existing.shortCode, existing);
        if (fanOutChanges) for (const subgroup of existing.subgroups) refreshFanOut(subgroup);
        return;
      }
      // Every field in the same order for every member: one object shape for the hot path.
      const member: WritableMemberEntry = {
        kind: 'member',
        id: facts.id,
        groupId: facts.groupId,
        msisdn: facts.msisdn,
        name: facts.name,
        department: facts.department,
        homeProvince: facts.homeProvince,
        status: facts.status === 'suspended' ? 'suspended' : 'active',
        shortCode: facts.shortCode,
        subgroupIds: new Set(),
        pinyin: facts.namePinyin,
        initials: facts.nameInitials,
        group: entry,
        subgroups: [],
        switchboards: null,
      };
      membersById.set(member.id, member);
      membersByMsisdn.set(member.msisdn, member);
      const own = groupMembers.get(member.groupId);
      if (own === undefined) groupMembers.set(member.groupId, new Map([[member.id, member]]));
      else own.set(member.id, member);
      if (member.shortCode !== null) entry.shortCodes.set(member.shortCode, member);
    },

    removeMember(memberId: string) {
      const member = membersById.get(memberId);
      if (!member) return;
      const entry = group(member.groupId);
      if (entry && member.shortCode !== null) entry.shortCodes.delete(member.shortCode);
      for (const subgroup of member.subgroups) {
        subgroup.memberIds.delete(memberId);
        drop(subgroup.members, member);
        refreshFanOut(subgroup);
      }
      membersById.delete(memberId);
      membersByMsisdn.delete(member.msisdn);
      groupMembers.get(member.groupId)?.delete(memberId);
      bump(groupRevisions, member.groupId);
      // SQLite cascades the member's extensions and operator seats: so does memory.
      for (const switchboard of member.switchboards ?? []) {
        for (const [extension, holder] of switchboard.extensions) {
          if (holder === memberId) switchboard.extensions.delete(extension);
        }
        bump(switchboardRevisions, switchboard.id);
      }
      switchboardsByExtensionMember.delete(memberId);
      member.switchboards = null;
      for (const switchboard of switchboardsById.values()) {
        if (switchboard.groupId === member.groupId) switchboard.operators.delete(memberId);
      }
    },

    putSubgroup(facts: SubgroupFacts) {
      const entry = group(facts.groupId);
      if (!entry) return;
      const existing = entry.subgroups.get(facts.id);
      if (existing?.shortCode != null && existing.shortCode !== facts.shortCode) {
        entry.shortCodes.delete(existing.shortCode);
      }
      const subgroup: WritableSubgroupEntry = existing ?? {
        kind: 'subgroup',
        id: facts.id,
        groupId: facts.groupId,
        name: facts.name,
        shortCode: facts.shortCode,
        onnetRateFenPerMinute: facts.onnetRateFenPerMinute,
        memberIds: new Set(),
        members: [],
        activeMembers: [],
        recipients: [],
      };
      subgroup.name = facts.name;
      subgroup.shortCode = facts.shortCode;
      subgroup.onnetRateFenPerMinute = facts.onnetRateFenPerMinute;
      entry.subgroups.set(subgroup.id, subgroup);
      if (subgroup.shortCode !== null) entry.shortCodes.set(subgroup.shortCode, subgroup);
    },

    removeSubgroup(groupId: string, subgroupId: string) {
      const entry = group(groupId);
      const subgroup = entry?.subgroups.get(subgroupId);
      if (!entry || !subgroup) return;
      if (subgroup.shortCode !== null) entry.shortCodes.delete(subgroup.shortCode);
      for (const member of subgroup.members) {
        member.subgroupIds.delete(subgroupId);
        drop(member.subgroups, subgroup);
      }
      entry.subgroups.delete(subgroupId);
    },

    joinSubgroup(subgroupId: string, memberId: string) {
      const member = membersById.get(memberId);
      const subgroup = member?.group.subgroups.get(subgroupId);
      if (!member || !subgroup || subgroup.memberIds.has(memberId)) return;
      subgroup.memberIds.add(memberId);
      subgroup.members.push(member);
      member.subgroupIds.add(subgroupId);
      member.subgroups.push(subgroup);
      refreshFanOut(subgroup);
    },

    leaveSubgroup(subgroupId: string, memberId: string) {
      const member = membersById.get(memberId);
      if (!member) return;
      const subgroup = member.group.subgroups.get(subgroupId);
      if (subgroup !== undefined) {
        subgroup.memberIds.delete(memberId);
        drop(subgroup.members, member);
        drop(member.subgroups, subgroup);
        refreshFanOut(subgroup);
      }
      member.subgroupIds.delete(subgroupId);
    },

    /**
     * Creates or updates a switchboard's configuration in place: the entry object stays the
     * same, so the outbound lists that hold it stay valid; extensions and operators are kept.
     */
    putSwitchboard(facts: SwitchboardFacts) {
      if (!group(facts.groupId)) return;
      let entry = switchboardsById.get(facts.id);
      if (entry === undefined) {
        entry = {
          id: facts.id,
          groupId: facts.groupId,
          pilotNumber: facts.pilotNumber,
          outboundPrefix: facts.outboundPrefix,
          extensions: new Map(),
          greeting: facts.greeting,
          afterHoursGreeting: facts.afterHoursGreeting,
          businessHours: facts.businessHours,
          menu: facts.menu,
          fallback: facts.fallback,
          operators: new Map(),
        };
        switchboardsById.set(entry.id, entry);
      } else {
        if (entry.pilotNumber !== facts.pilotNumber && switchboardsByPilot.get(entry.pilotNumber) === entry) {
          switchboardsByPilot.delete(entry.pilotNumber);
        }
        entry.pilotNumber = facts.pilotNumber;
        entry.outboundPrefix = facts.outboundPrefix;
        entry.greeting = facts.greeting;
        entry.afterHoursGreeting = facts.afterHoursGreeting;
        entry.businessHours = facts.businessHours;
        entry.menu = facts.menu;
        entry.fallback = facts.fallback;
      }
      switchboardsByPilot.set(entry.pilotNumber, entry);
    },

    removeSwitchboard(switchboardId: string) {
      const entry = switchboardsById.get(switchboardId);
      if (entry === undefined) return;
      const holders = new Set(entry.extensions.values());
      entry.extensions.clear();
      for (const memberId of holders) unlinkExtensionMember(memberId, entry);
      switchboardsById.delete(switchboardId);
      if (switchboardsByPilot.get(entry.pilotNumber) === entry) switchboardsByPilot.delete(entry.pilotNumber);
      switchboardRevisions.delete(switchboardId);
    },

    /** Gives `extension` to the member, taking it from whoever held it. */
    putExtension(switchboardId: string, extension: string, memberId: string) {
      const entry = switchboardsById.get(switchboardId);
      if (entry === undefined || !membersById.has(memberId)) return;
      const previous = entry.extensions.get(extension);
      entry.extensions.set(extension, memberId);
      if (previous !== undefined && previous !== memberId) unlinkExtensionMember(previous, entry);
      linkExtensionMember(memberId, entry);
      bump(switchboardRevisions, switchboardId);
    },

    removeExtension(switchboardId: string, extension: string) {
      const entry = switchboardsById.get(switchboardId);
      const holder = entry?.extensions.get(extension);
      if (entry === undefined || holder === undefined) return;
      entry.extensions.delete(extension);
      unlinkExtensionMember(holder, entry);
      bump(switchboardRevisions, switchboardId);
    },

    putOperator(switchboardId: string, memberId: string, status: OperatorStatus) {
      const entry = switchboardsById.get(switchboardId);
      if (entry === undefined || !membersById.has(memberId)) return;
      entry.operators.set(memberId, status);
    },

    removeOperator(switchboardId: string, memberId: string) {
      switchboardsById.get(switchboardId)?.operators.delete(memberId);
    },
  };
  return writer;
}

export type DirectoryWriter = ReturnType<typeof createDirectoryWriter>;
