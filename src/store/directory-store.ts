import {
  type Directory,
  emptyDirectory,
  type GroupEntry,
  type MemberEntry,
  type SubgroupEntry,
  type VpnSettings,
} from '../engines/directory.js';

/**
 * Keeps the in-memory directory current. Services call these after their SQLite transaction
 * commits (write-through), so the routing hot path reads a directory that always agrees with
 * the system of record and never queries it.
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
}

export interface SubgroupFacts {
  id: string;
  groupId: string;
  name: string;
  shortCode: string | null;
  onnetRateFenPerMinute: number | null;
}

export interface DirectorySnapshot {
  groups: GroupFacts[];
  vpns: Array<VpnSettings & { groupId: string }>;
  members: MemberFacts[];
  subgroups: SubgroupFacts[];
  subgroupMembers: Array<{ subgroupId: string; memberId: string }>;
}

export function createDirectoryStore(conferenceAccessNumber: string | null) {
  const directory: Directory = emptyDirectory(conferenceAccessNumber);
  const { groups, membersById, membersByMsisdn } = directory;

  const group = (id: string): GroupEntry | undefined => groups.get(id);

  const store = {
    directory,

    load(snapshot: DirectorySnapshot) {
      for (const g of snapshot.groups) store.putGroup(g);
      for (const v of snapshot.vpns) store.setVpn(v.groupId, v);
      for (const m of snapshot.members) store.putMember(m);
      for (const s of snapshot.subgroups) store.putSubgroup(s);
      for (const link of snapshot.subgroupMembers) store.joinSubgroup(link.subgroupId, link.memberId);
    },

    putGroup(facts: GroupFacts) {
      const existing = groups.get(facts.id);
      if (existing) {
        existing.province = facts.province;
        existing.timezone = facts.timezone;
        return;
      }
      groups.set(facts.id, { ...facts, vpn: null, shortCodes: new Map(), subgroups: new Map() });
    },

    removeGroup(groupId: string) {
      const entry = groups.get(groupId);
      if (!entry) return;
      for (const member of [...membersById.values()])
        if (member.groupId === groupId) store.removeMember(member.id);
      groups.delete(groupId);
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

    putMember(facts: MemberFacts) {
      const entry = group(facts.groupId);
      if (!entry) return;
      const existing = membersById.get(facts.id);
      if (existing) {
        if (existing.msisdn !== facts.msisdn) membersByMsisdn.delete(existing.msisdn);
        if (existing.shortCode !== null && existing.shortCode !== facts.shortCode) {
          entry.shortCodes.delete(existing.shortCode);
        }
        existing.msisdn = facts.msisdn;
        existing.name = facts.name;
        existing.department = facts.department;
        existing.homeProvince = facts.homeProvince;
        existing.status = facts.status === 'suspended' ? 'suspended' : 'active';
        existing.shortCode = facts.shortCode;
        membersByMsisdn.set(existing.msisdn, existing);
        if (existing.shortCode !== null)
          entry.shortCodes.set(existing.shortCode, { kind: 'member', member: existing });
        return;
      }
      const member: MemberEntry = {
        id: facts.id,
        groupId: facts.groupId,
        msisdn: facts.msisdn,
        name: facts.name,
        department: facts.department,
        homeProvince: facts.homeProvince,
        status: facts.status === 'suspended' ? 'suspended' : 'active',
        shortCode: facts.shortCode,
        subgroupIds: new Set(),
      };
      membersById.set(member.id, member);
      membersByMsisdn.set(member.msisdn, member);
      if (member.shortCode !== null) entry.shortCodes.set(member.shortCode, { kind: 'member', member });
    },

    removeMember(memberId: string) {
      const member = membersById.get(memberId);
      if (!member) return;
      const entry = group(member.groupId);
      if (entry && member.shortCode !== null) entry.shortCodes.delete(member.shortCode);
      for (const subgroupId of member.subgroupIds)
        entry?.subgroups.get(subgroupId)?.memberIds.delete(memberId);
      membersById.delete(memberId);
      membersByMsisdn.delete(member.msisdn);
    },

    putSubgroup(facts: SubgroupFacts) {
      const entry = group(facts.groupId);
      if (!entry) return;
      const existing = entry.subgroups.get(facts.id);
      if (existing?.shortCode != null && existing.shortCode !== facts.shortCode) {
        entry.shortCodes.delete(existing.shortCode);
      }
      const subgroup: SubgroupEntry = existing ?? { ...facts, memberIds: new Set() };
      subgroup.name = facts.name;
      subgroup.shortCode = facts.shortCode;
      subgroup.onnetRateFenPerMinute = facts.onnetRateFenPerMinute;
      entry.subgroups.set(subgroup.id, subgroup);
      if (subgroup.shortCode !== null)
        entry.shortCodes.set(subgroup.shortCode, { kind: 'subgroup', subgroup });
    },

    removeSubgroup(groupId: string, subgroupId: string) {
      const entry = group(groupId);
      const subgroup = entry?.subgroups.get(subgroupId);
      if (!entry || !subgroup) return;
      if (subgroup.shortCode !== null) entry.shortCodes.delete(subgroup.shortCode);
      for (const memberId of subgroup.memberIds) membersById.get(memberId)?.subgroupIds.delete(subgroupId);
      entry.subgroups.delete(subgroupId);
    },

    joinSubgroup(subgroupId: string, memberId: string) {
      const member = membersById.get(memberId);
      const subgroup = member && group(member.groupId)?.subgroups.get(subgroupId);
      if (!member || !subgroup) return;
      subgroup.memberIds.add(memberId);
      member.subgroupIds.add(subgroupId);
    },

    leaveSubgroup(subgroupId: string, memberId: string) {
      const member = membersById.get(memberId);
      if (!member) return;
      group(member.groupId)?.subgroups.get(subgroupId)?.memberIds.delete(memberId);
      member.subgroupIds.delete(subgroupId);
    },
  };
  return store;
}

export type DirectoryStore = ReturnType<typeof createDirectoryStore>;
