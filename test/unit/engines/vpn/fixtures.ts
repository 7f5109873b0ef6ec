import { SAMPLE_TARIFF } from '../../../../src/engines/rating/sample-tariff.js';
import type { RouteContext, RouteRequest } from '../../../../src/engines/vpn/route.js';
import {
  emptyDirectory,
  type MemberStatus,
  NumberIndex,
  subgroupFanOut,
  type VpnSettings,
  type WritableGroupEntry,
  type WritableMemberEntry,
  type WritableRoutingDirectory,
  type WritableSubgroupEntry,
  type WritableSwitchboardEntry,
} from '../../../../src/store/routing-directory/index.js';

/**
 * Hand-built directories for the routing tests. Each helper keeps the directory's indexes
 * consistent (short codes, sub-group membership both ways, switchboard maps), as the store does.
 */

export const CONFERENCE_ACCESS_NUMBER = '95123';
export const RATES = SAMPLE_TARIFF.rates;
export const CONTEXT: RouteContext = { tariff: RATES };
/** 2026-03-03 10:00 in Shanghai; routing never depends on it but the request carries it. */
export const AT = Date.UTC(2026, 2, 3, 2);

export function newDirectory(
  conferenceAccessNumber: string | null = CONFERENCE_ACCESS_NUMBER,
): WritableRoutingDirectory {
  return emptyDirectory(conferenceAccessNumber);
}

export const DEFAULT_VPN: VpnSettings = {
  shortCodeMin: 3,
  shortCodeMax: 6,
  crossProvince: false,
  showShortCode: true,
  onnetRateFenPerMinute: null,
};

export function addGroup(
  directory: WritableRoutingDirectory,
  id: string,
  options: { province?: string; vpn?: Partial<VpnSettings> | null } = {},
): WritableGroupEntry {
  const group: WritableGroupEntry = {
    id,
    province: options.province ?? 'CN-HE',
    timezone: 'Asia/Shanghai',
    vpn: options.vpn === null ? null : { ...DEFAULT_VPN, ...options.vpn },
    shortCodes: new NumberIndex(),
    subgroups: new Map(),
    ringback: null,
  };
  directory.groups.set(id, group);
  return group;
}

export function addMember(
  directory: WritableRoutingDirectory,
  groupId: string,
  msisdn: string,
  options: {
    id?: string;
    name?: string;
    shortCode?: string | null;
    status?: MemberStatus;
    homeProvince?: string;
    department?: string | null;
  } = {},
): WritableMemberEntry {
  const group = directory.groups.get(groupId);
  if (group === undefined) throw new Error(`no group ${groupId}`);
  const member: WritableMemberEntry = {
    kind: 'member',
    id: options.id ?? `m-${msisdn.slice(-4)}`,
    groupId,
    msisdn,
    name: options.name ?? `member ${msisdn.slice(-4)}`,
    department: options.department ?? null,
    homeProvince: options.homeProvince ?? group.province,
    status: options.status ?? 'active',
    shortCode: options.shortCode ?? null,
    subgroupIds: new Set(),
    pinyin: undefined,
    initials: undefined,
    group,
    subgroups: [],
    switchboards: null,
  };
  if (directory.membersByMsisdn.has(msisdn)) throw new Error(`duplicate msisdn ${msisdn}`);
  directory.membersByMsisdn.set(msisdn, member);
  directory.membersById.set(member.id, member);
  if (member.shortCode !== null) {
    if (group.shortCodes.has(member.shortCode)) throw new Error(`short code ${member.shortCode} taken`);
    group.shortCodes.set(member.shortCode, member);
  }
  return member;
}

export function addSubgroup(
  directory: WritableRoutingDirectory,
  groupId: string,
  id: string,
  options: {
    name?: string;
    shortCode?: string | null;
    rate?: number | null;
    members?: WritableMemberEntry[];
  } = {},
): WritableSubgroupEntry {
  const group = directory.groups.get(groupId);
  if (group === undefined) throw new Error(`no group ${groupId}`);
  const subgroup: WritableSubgroupEntry = {
    kind: 'subgroup',
    id,
    groupId,
    name: options.name ?? id,
    shortCode: options.shortCode ?? null,
    onnetRateFenPerMinute: options.rate ?? null,
    memberIds: new Set(),
    members: [],
    activeMembers: [],
    recipients: [],
  };
  group.subgroups.set(id, subgroup);
  if (subgroup.shortCode !== null) {
    if (group.shortCodes.has(subgroup.shortCode)) throw new Error(`short code ${subgroup.shortCode} taken`);
    group.shortCodes.set(subgroup.shortCode, subgroup);
  }
  for (const member of options.members ?? []) {
    subgroup.memberIds.add(member.id);
    subgroup.members.push(member);
    member.subgroupIds.add(id);
    member.subgroups.push(subgroup);
  }
  Object.assign(subgroup, subgroupFanOut(subgroup.members));
  return subgroup;
}

export function addSwitchboard(
  directory: WritableRoutingDirectory,
  groupId: string,
  id: string,
  pilotNumber: string,
  options: { outboundPrefix?: string | null; extensions?: Record<string, WritableMemberEntry> } = {},
): WritableSwitchboardEntry {
  const switchboard: WritableSwitchboardEntry = {
    id,
    groupId,
    pilotNumber,
    outboundPrefix: options.outboundPrefix ?? null,
    extensions: new Map(),
    greeting: 'Welcome',
    afterHoursGreeting: null,
    businessHours: null,
    menu: { prompt: 'Dial an extension, or 0 for the operator', options: {} },
    fallback: 'operator',
    operators: new Map(),
  };
  directory.switchboardsByPilot.set(pilotNumber, switchboard);
  directory.switchboardsById.set(id, switchboard);
  for (const [extension, member] of Object.entries(options.extensions ?? {})) {
    switchboard.extensions.set(extension, member.id);
    const held = directory.switchboardsByExtensionMember.get(member.id);
    if (held === undefined) {
      member.switchboards = [switchboard];
      directory.switchboardsByExtensionMember.set(member.id, member.switchboards);
    } else if (!held.includes(switchboard)) held.push(switchboard);
  }
  return switchboard;
}

export function request(from: string, to: string, overrides: Partial<RouteRequest> = {}): RouteRequest {
  return { from, to, service: 'voice', atMs: AT, ...overrides };
}

/**
 * The shared scenario:
 * - `acme` (CN-HE): a VPN showing short codes, on-net 4 fen/min; cross-province allowed.
 *   alice 6201, bob 6202, carol 6203 (suspended), dave (no code), erin 6205 (home CN-BJ);
 *   sub-groups sales 8001 (2 fen: alice, bob, dave), board 8002 (3 fen: alice, bob),
 *   lunch (no code, no rate: alice, dave), empty-rate 8004 (no rate: bob, erin).
 *   Switchboard `sb-acme`, pilot +8631187654321, outbound prefix 9, alice at extension 801.
 * - `beta` (CN-BJ): a VPN hiding short codes, no rate of its own. frank 6201, grace 6202,
 *   judy (suspended) 6203.
 * - `plain` (CN-SH): no VPN. heidi, ivan (suspended).
 */
export function scenario() {
  const directory = newDirectory();
  addGroup(directory, 'acme', { province: 'CN-HE', vpn: { onnetRateFenPerMinute: 4, crossProvince: true } });
  addGroup(directory, 'beta', { province: 'CN-BJ', vpn: { showShortCode: false } });
  addGroup(directory, 'plain', { province: 'CN-SH', vpn: null });

  const alice = addMember(directory, 'acme', '+8613800138000', {
    id: 'alice',
    name: 'Alice',
    shortCode: '6201',
  });
  const bob = addMember(directory, 'acme', '+8613912345678', { id: 'bob', name: 'Bob', shortCode: '6202' });
  const carol = addMember(directory, 'acme', '+8615011112222', {
    id: 'carol',
    name: 'Carol',
    shortCode: '6203',
    status: 'suspended',
  });
  const dave = addMember(directory, 'acme', '+8618622223333', { id: 'dave', name: 'Dave' });
  const erin = addMember(directory, 'acme', '+8619133334444', {
    id: 'erin',
    name: 'Erin',
    shortCode: '6205',
    homeProvince: 'CN-BJ',
  });
  const sales = addSubgroup(directory, 'acme', 'sales', {
    name: 'Sales',
    shortCode: '8001',
    rate: 2,
    members: [alice, bob, dave],
  });
  const board = addSubgroup(directory, 'acme', 'board', {
    name: 'Board',
    shortCode: '8002',
    rate: 3,
    members: [alice, bob],
  });
  const lunch = addSubgroup(directory, 'acme', 'lunch', { name: 'Lunch', members: [alice, dave] });
  const noRate = addSubgroup(directory, 'acme', 'no-rate', {
    name: 'No rate',
    shortCode: '8004',
    members: [bob, erin],
  });
  const switchboard = addSwitchboard(directory, 'acme', 'sb-acme', '+8631187654321', {
    outboundPrefix: '9',
    extensions: { '801': alice },
  });

  const frank = addMember(directory, 'beta', '+8613700001111', {
    id: 'frank',
    name: 'Frank',
    shortCode: '6201',
  });
  const grace = addMember(directory, 'beta', '+8613700002222', {
    id: 'grace',
    name: 'Grace',
    shortCode: '6202',
  });
  const judy = addMember(directory, 'beta', '+8613700003333', {
    id: 'judy',
    name: 'Judy',
    shortCode: '6203',
    status: 'suspended',
  });

  const heidi = addMember(directory, 'plain', '+8615900003333', { id: 'heidi', name: 'Heidi' });
  const ivan = addMember(directory, 'plain', '+8615900004444', {
    id: 'ivan',
    name: 'Ivan',
    status: 'suspended',
  });

  return {
    directory,
    members: { alice, bob, carol, dave, erin, frank, grace, judy, heidi, ivan },
    subgroups: { sales, board, lunch, noRate },
    switchboard,
  };
}
