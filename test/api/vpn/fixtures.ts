import { createGroup, createMember, HEBEI_ENTERPRISE, type TestApp } from '../../helpers/app.js';

/**
 * Shared set-up for the group VPN API tests: a Hebei group with a VPN and a handful of members,
 * all through the public API so the tests exercise the same path as a partner would.
 */

export interface VpnBody {
  shortCodeLength?: { min: number; max: number };
  crossProvince?: boolean;
  showShortCode?: boolean;
  onnetRateFenPerMinute?: number | null;
}

export const DEFAULT_VPN = {
  shortCodeLength: { min: 3, max: 6 },
  crossProvince: false,
  showShortCode: true,
} as const;

/** National numbers of the people used across the tests (all valid Chinese mobiles). */
export const NUMBERS = {
  wang: '13803110001',
  li: '13803110002',
  zhang: '13803110003',
  liu: '13803110004',
  chen: '13803110005',
  /** A member of the other group. */
  other: '13903110001',
  /** Someone who belongs to no group. */
  stranger: '13312345678',
} as const;

export const e164 = (national: string) => `+86${national}`;

export type Member = Awaited<ReturnType<typeof createMember>>;

export async function putVpn(t: TestApp, groupId: string, body: VpnBody = DEFAULT_VPN) {
  return t.call({ method: 'PUT', url: `/v1/groups/${groupId}/vpn`, payload: body });
}

/** A group (Hebei by default) with a VPN; throws when the set-up fails. */
export async function createVpnGroup(
  t: TestApp,
  vpn: VpnBody = DEFAULT_VPN,
  group: Record<string, unknown> = HEBEI_ENTERPRISE,
): Promise<string> {
  const groupId = await createGroup(t, group);
  const res = await putVpn(t, groupId, vpn);
  if (res.statusCode !== 201) throw new Error(`VPN set-up failed: ${res.body}`);
  return groupId;
}

export function patchMember(t: TestApp, groupId: string, memberId: string, payload: Record<string, unknown>) {
  return t.call({ method: 'PATCH', url: `/v1/groups/${groupId}/members/${memberId}`, payload });
}

export function getMember(t: TestApp, groupId: string, memberId: string) {
  return t.call({ method: 'GET', url: `/v1/groups/${groupId}/members/${memberId}` });
}

/** Gives a member a short code; throws unless the API accepts it. */
export async function giveShortCode(t: TestApp, groupId: string, memberId: string, shortCode: string) {
  const res = await patchMember(t, groupId, memberId, { shortCode });
  if (res.statusCode !== 200) throw new Error(`short code ${shortCode} refused: ${res.body}`);
  return res.json() as Member;
}

/** A member with an optional short code. */
export async function addMember(
  t: TestApp,
  groupId: string,
  msisdn: string,
  options: { name?: string; shortCode?: string; homeProvince?: string; status?: string } = {},
): Promise<Member> {
  const { shortCode, name, ...rest } = options;
  const member = await createMember(t, groupId, { msisdn, name: name ?? `成员${msisdn.slice(-4)}`, ...rest });
  return shortCode === undefined ? member : giveShortCode(t, groupId, member.id, shortCode);
}

export function createSubgroup(t: TestApp, groupId: string, payload: Record<string, unknown>) {
  return t.call({ method: 'POST', url: `/v1/groups/${groupId}/subgroups`, payload });
}

export async function addSubgroup(
  t: TestApp,
  groupId: string,
  payload: { name: string; shortCode?: string | null; onnetRateFenPerMinute?: number | null },
  memberIds: string[] = [],
): Promise<{ id: string; shortCode: string | null }> {
  const res = await createSubgroup(t, groupId, payload);
  if (res.statusCode !== 201) throw new Error(`sub-group creation failed: ${res.body}`);
  const subgroup = res.json() as { id: string; shortCode: string | null };
  for (const memberId of memberIds) {
    const joined = await joinSubgroup(t, groupId, subgroup.id, memberId);
    if (joined.statusCode !== 200) throw new Error(`join failed: ${joined.body}`);
  }
  return subgroup;
}

export function joinSubgroup(t: TestApp, groupId: string, subgroupId: string, memberId: string) {
  return t.call({ method: 'PUT', url: `/v1/groups/${groupId}/subgroups/${subgroupId}/members/${memberId}` });
}

export function leaveSubgroup(t: TestApp, groupId: string, subgroupId: string, memberId: string) {
  return t.call({
    method: 'DELETE',
    url: `/v1/groups/${groupId}/subgroups/${subgroupId}/members/${memberId}`,
  });
}

export interface RouteBody {
  from: string;
  to: string;
  service?: 'voice' | 'sms';
  at?: string;
  location?: { province?: string; cellId?: string };
}

export function route(t: TestApp, body: RouteBody, key?: string) {
  return t.call({ method: 'POST', url: '/v1/route', payload: body, ...(key !== undefined && { key }) });
}

/** Routes and expects a 200; returns the decision. */
export async function decide(t: TestApp, body: RouteBody) {
  const res = await route(t, body);
  if (res.statusCode !== 200) throw new Error(`route failed (${res.statusCode}): ${res.body}`);
  return res.json() as RouteDecision;
}

export interface RouteDecision {
  decision: 'connect' | 'ivr' | 'reject' | 'emergency';
  callType: string;
  from: string;
  to: string;
  target: { msisdn: string; memberId?: string; groupId?: string } | null;
  presentedCallerId: string;
  ringback: unknown;
  tariff: { class: string; rateFenPerMinute: number; rateFenPerMessage?: number };
  reason: string;
  explanation: string;
  roaming: boolean;
  subgroupId?: string;
  recipients?: Array<{ msisdn: string; memberId: string }>;
}

export function sendSms(t: TestApp, body: { from: string; to: string; text: string; at?: string }) {
  return t.call({ method: 'POST', url: '/v1/messages', payload: body });
}

/** Problem details helper: the status and the stable code. */
export function problem(res: { statusCode: number; json(): unknown }) {
  const body = res.json() as { code?: string; status?: number; errors?: Array<{ path: string }> };
  return { status: res.statusCode, code: body.code, errors: body.errors };
}
