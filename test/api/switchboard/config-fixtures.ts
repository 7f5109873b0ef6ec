import { createGroup, createMember, HEBEI_ENTERPRISE, type TestApp } from '../../helpers/app.js';

/**
 * Shared set-up for the switchboard API tests: a Hebei group with a few members and a
 * switchboard at a Shijiazhuang landline pilot, all through the public API.
 */

/** 0311-8800 0000, a Shijiazhuang landline, as the customer writes it. */
export const PILOT = '0311-88000000';
export const PILOT_E164 = '+8631188000000';
export const OTHER_PILOT = '0311-88000001';
export const OTHER_PILOT_E164 = '+8631188000001';

export const NUMBERS = {
  wang: '13803110001',
  zhang: '13803110003',
  liu: '13803110004',
  operator: '13803110009',
  /** A member of the other group. */
  other: '13903110001',
  /** Someone who belongs to no group. */
  stranger: '13312345678',
  /** An outside number an extension member calls through the outbound prefix. */
  outside: '13912345678',
} as const;

export const e164 = (national: string) => `+86${national}`;

export interface Member {
  id: string;
  msisdn: string;
}

export function menuWith(memberId: string) {
  return {
    prompt: '欢迎致电，销售请按1，找王总请按2，售后服务请按3，人工服务请按0',
    maxRetries: 2,
    options: {
      '0': { action: 'operator' },
      '1': { action: 'extension', extension: '8001' },
      '2': { action: 'member', memberId },
      '3': {
        action: 'submenu',
        menu: {
          prompt: '售后：报修请按1，返回请按*',
          options: { '1': { action: 'extension', extension: '8002' } },
        },
      },
    },
  };
}

export interface Scene {
  groupId: string;
  wang: Member;
  zhang: Member;
  liu: Member;
  operator: Member;
  /** The other group and its member. */
  otherGroupId: string;
  other: Member;
}

/** Two groups; the first with 王明, 张兰 (信息中心), 刘洋 (销售部) and an operator 赵敏. */
export async function scene(t: TestApp): Promise<Scene> {
  const groupId = await createGroup(t);
  const otherGroupId = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '乙集团' });
  const wang = await createMember(t, groupId, {
    msisdn: NUMBERS.wang,
    name: '王明',
    department: '总经理办公室',
  });
  const zhang = await createMember(t, groupId, {
    msisdn: NUMBERS.zhang,
    name: '张兰',
    department: '信息中心',
  });
  const liu = await createMember(t, groupId, { msisdn: NUMBERS.liu, name: '刘洋', department: '销售部' });
  const operator = await createMember(t, groupId, {
    msisdn: NUMBERS.operator,
    name: '赵敏',
    department: '总机',
  });
  const other = await createMember(t, otherGroupId, { msisdn: NUMBERS.other, name: '孙悦' });
  return { groupId, wang, zhang, liu, operator, otherGroupId, other };
}

export function switchboardBody(s: Pick<Scene, 'wang'>, overrides: Record<string, unknown> = {}) {
  return {
    pilotNumber: PILOT,
    greeting: '欢迎致电河北华北电力设备有限公司。',
    afterHoursGreeting: '现在是非工作时间，请在工作日 8:30 至 17:30 来电。',
    businessHours: { weekdays: [1, 2, 3, 4, 5], start: '08:30', end: '17:30' },
    menu: menuWith(s.wang.id),
    outboundPrefix: '9',
    ...overrides,
  };
}

export function postSwitchboard(t: TestApp, groupId: string, payload: unknown, key?: string) {
  return t.call({
    method: 'POST',
    url: `/v1/groups/${groupId}/switchboards`,
    payload: payload as Record<string, unknown>,
    ...(key !== undefined && { key }),
  });
}

/** Creates a switchboard and returns its id; throws unless the API accepts it. */
export async function createSwitchboard(t: TestApp, groupId: string, payload: unknown): Promise<string> {
  const res = await postSwitchboard(t, groupId, payload);
  if (res.statusCode !== 201) throw new Error(`switchboard creation failed: ${res.body}`);
  return res.json().id;
}

export function putExtension(
  t: TestApp,
  switchboardId: string,
  extension: string,
  memberId: string,
  key?: string,
) {
  return t.call({
    method: 'PUT',
    url: `/v1/switchboards/${switchboardId}/extensions/${extension}`,
    payload: { memberId },
    ...(key !== undefined && { key }),
  });
}

export function putOperator(
  t: TestApp,
  switchboardId: string,
  memberId: string,
  status: string,
  key?: string,
) {
  return t.call({
    method: 'PUT',
    url: `/v1/switchboards/${switchboardId}/operators/${memberId}`,
    payload: { status },
    ...(key !== undefined && { key }),
  });
}

export function getSwitchboard(t: TestApp, switchboardId: string, key?: string) {
  return t.call({
    method: 'GET',
    url: `/v1/switchboards/${switchboardId}`,
    ...(key !== undefined && { key }),
  });
}

export function patchSwitchboard(
  t: TestApp,
  switchboardId: string,
  payload: Record<string, unknown>,
  key?: string,
) {
  return t.call({
    method: 'PATCH',
    url: `/v1/switchboards/${switchboardId}`,
    payload,
    ...(key !== undefined && { key }),
  });
}

export function searchPhonebook(t: TestApp, switchboardId: string, q: string, key?: string) {
  return t.call({
    method: 'GET',
    url: `/v1/switchboards/${switchboardId}/directory?q=${encodeURIComponent(q)}`,
    ...(key !== undefined && { key }),
  });
}

/** Problem details: the status, the stable code and the fields named. */
export function problem(res: { statusCode: number; json(): unknown }) {
  const body = res.json() as { code?: string; errors?: Array<{ path: string }> };
  return { status: res.statusCode, code: body.code, paths: (body.errors ?? []).map((e) => e.path) };
}

export interface RouteDecision {
  decision: string;
  callType: string;
  target: { msisdn: string; memberId?: string; groupId?: string } | null;
  presentedCallerId: string;
  reason: string;
  switchboardId?: string;
}

/** Routes a voice call and expects a 200. */
export async function decide(t: TestApp, from: string, to: string): Promise<RouteDecision> {
  const res = await t.call({ method: 'POST', url: '/v1/route', payload: { from, to } });
  if (res.statusCode !== 200) throw new Error(`route failed (${res.statusCode}): ${res.body}`);
  return res.json();
}
