import {
  createGroup,
  createMember,
  createPartnerKey,
  HEBEI_ENTERPRISE,
  type TestApp,
} from '../helpers/app.js';

/**
 * A realistic tenant for the fuzz suite, built through the public API so that generated requests
 * find real ids to reach deep into the handlers: a Hebei group with a VPN, members with short
 * codes in departments, a sub-group, a switchboard with a menu, extensions and operators,
 * ringback tones and policies, group and personal contacts, a subscription, a conference with
 * its legs, a call, a simulated subscriber, a partner key; and a second tenant beside it.
 */

export const PEOPLE = [
  { name: '王明', department: '总经理办公室', shortCode: '6001' },
  { name: '李华', department: '总经理办公室', shortCode: '6002' },
  { name: '张兰', department: '信息中心', shortCode: '6201' },
  { name: '刘洋', department: '信息中心', shortCode: '6202' },
  { name: '赵磊', department: '销售部', shortCode: '6301' },
  { name: '宋佳', department: '行政部', shortCode: '6801' },
] as const;
export const OUTSIDER_MSISDN = '13912345678';
export const ACCESS_NUMBER = '95100';

/**
 * Numbers are unique across the service, so each round of the fixture has its own: members
 * 138 0311 RR0i, the other tenant's 138 0311 RR09, the pilot 0311-8666 00RR. Generated
 * requests create members at 139 numbers and never take these.
 */
const memberNumber = (round: number, index: number) => `1380311${String(round).padStart(2, '0')}0${index}`;
export const pilotOf = (round: number) => `0311-866600${String(round).padStart(2, '0')}`;

/** Ids and values by the name a path parameter, query parameter or body property uses. */
export type Pools = Map<string, string[]>;

export interface Fixture {
  pools: Pools;
  groupId: string;
  partnerKey: string;
  /** The first member's number, national form. */
  msisdn: string;
}

type Created = Record<string, unknown> & { id: string };

async function ok(
  t: TestApp,
  method: 'POST' | 'PUT' | 'PATCH',
  url: string,
  payload?: unknown,
): Promise<Created> {
  const res = await t.call({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  if (res.statusCode >= 300)
    throw new Error(`fixture: ${method} ${url} answered ${res.statusCode} ${res.body}`);
  return (res.body === '' ? {} : res.json()) as Created;
}

/** Seeds round `round` of the fixture: a round replaces what the requests of the last one deleted. */
export async function seedFixture(t: TestApp, round = 0): Promise<Fixture> {
  const msisdns = PEOPLE.map((_, index) => memberNumber(round, index + 1));
  const pilot = pilotOf(round);
  const g = await createGroup(t);
  const otherGroupId = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '乙集团' });
  await ok(t, 'PUT', `/v1/groups/${g}/vpn`, {
    shortCodeLength: { min: 3, max: 6 },
    crossProvince: false,
    showShortCode: true,
    onnetRateFenPerMinute: 5,
  });
  const members: string[] = [];
  for (const [index, { shortCode, ...person }] of PEOPLE.entries()) {
    const member = await createMember(t, g, { ...person, msisdn: msisdns[index] });
    await ok(t, 'PATCH', `/v1/groups/${g}/members/${member.id}`, { shortCode });
    members.push(member.id);
  }
  const [wang, li, zhang, , zhao, song] = members as [string, string, string, string, string, string];
  const otherMsisdn = memberNumber(round, 9);
  const other = await createMember(t, otherGroupId, { msisdn: otherMsisdn, name: '外人' });
  const sub = await ok(t, 'POST', `/v1/groups/${g}/subgroups`, { name: '管理层', shortCode: '8000' });
  await ok(t, 'PUT', `/v1/groups/${g}/subgroups/${sub.id}/members/${wang}`);
  await ok(t, 'PUT', `/v1/groups/${g}/subgroups/${sub.id}/members/${li}`);

  const sb = await ok(t, 'POST', `/v1/groups/${g}/switchboards`, {
    pilotNumber: pilot,
    greeting: '您好，欢迎致电冀通装备。',
    afterHoursGreeting: '现在是非工作时间。',
    businessHours: { weekdays: [1, 2, 3, 4, 5], start: '08:30', end: '17:30' },
    menu: {
      prompt: '销售请按1，人工服务请按0',
      options: {
        '1': { action: 'extension', extension: '8301' },
        '2': { action: 'member', memberId: li },
        '3': { action: 'submenu', menu: { prompt: '售后请按1', options: { '1': { action: 'operator' } } } },
      },
    },
    outboundPrefix: '9',
  });
  await ok(t, 'PUT', `/v1/switchboards/${sb.id}/extensions/8301`, { memberId: zhao });
  await ok(t, 'PUT', `/v1/switchboards/${sb.id}/extensions/8201`, { memberId: zhang });
  await ok(t, 'PUT', `/v1/switchboards/${sb.id}/operators/${song}`, { status: 'available' });

  const tone = await ok(t, 'POST', `/v1/groups/${g}/ringback/tones`, {
    title: '欢迎致电',
    durationSeconds: 30,
  });
  const salesTone = await ok(t, 'POST', `/v1/groups/${g}/ringback/tones`, {
    title: '产品介绍',
    durationSeconds: 40,
  });
  const policy = await ok(t, 'POST', `/v1/groups/${g}/ringback/policies`, {
    name: '工作时间',
    appliesTo: { all: true },
    schedule: { start: '08:30', end: '17:30', calendar: 'workdays' },
    toneIds: [tone.id],
    playback: 'single',
  });
  const salesPolicy = await ok(t, 'POST', `/v1/groups/${g}/ringback/policies`, {
    name: '销售部轮播',
    appliesTo: { departments: ['销售部'], memberIds: [zhao] },
    toneIds: [salesTone.id, tone.id],
    playback: 'loop',
  });

  const contact = await ok(t, 'POST', `/v1/groups/${g}/contacts`, { name: '供应商', msisdn: '031187654321' });
  const personal = await ok(t, 'POST', `/v1/address-books/${msisdns[0]}/contacts`, {
    name: '老同学',
    msisdn: OUTSIDER_MSISDN,
  });
  const subscription = await ok(t, 'POST', `/v1/groups/${g}/subscriptions`, {
    product: 'conference',
    packageId: 'conf-300',
    startDate: '2026-01-01',
  });
  await ok(t, 'PUT', `/v1/sim/subscribers/${msisdns[3]}`, { behaviour: 'busy', afterSeconds: 5 });

  const conference = await ok(t, 'POST', '/v1/conferences', {
    hostMsisdn: msisdns[0],
    title: '周例会',
    participants: [{ memberId: li }, { msisdn: OUTSIDER_MSISDN }],
  });
  const participants = conference.participants as Array<{ id: string; callId: string | null }>;
  const legs = participants.map((p) => p.callId).filter((id): id is string => id !== null);
  await ok(t, 'POST', `/v1/calls/${legs[0]}/actions`, { action: 'answer' });
  const call = await ok(t, 'POST', '/v1/calls', { from: msisdns[0], to: '6201' });
  const ended = await ok(t, 'POST', '/v1/calls', { from: msisdns[1], to: '6301' });
  await ok(t, 'POST', `/v1/calls/${ended.id}/actions`, { action: 'answer' });
  await ok(t, 'POST', `/v1/calls/${ended.id}/actions`, { action: 'hangup' });
  // From a landline: no member can hold it, so the fuzz (which may make OUTSIDER_MSISDN a
  // suspended member of some group) cannot turn this caller away on a later round.
  const viaPilot = await ok(t, 'POST', '/v1/calls', { from: '031188880000', to: pilot.replace('-', '') });
  await ok(t, 'POST', `/v1/calls/${viaPilot.id}/actions`, { action: 'dtmf', digits: '0' });

  const partnerKey = await createPartnerKey(t, [g]);
  const numbers = [...msisdns, ...msisdns.map((n) => `+86${n}`)];
  const pools: Pools = new Map<string, string[]>([
    ['groupId', [g, g, g, g, g, otherGroupId]],
    ['memberId', [...members, other.id]],
    ['subgroupId', [sub.id]],
    ['switchboardId', [sb.id]],
    ['extension', ['8301', '8201', '8001']],
    ['toneId', [tone.id, salesTone.id]],
    ['policyId', [policy.id, salesPolicy.id]],
    ['callId', [call.id, ended.id, viaPilot.id, ...legs]],
    ['conferenceId', [conference.id]],
    ['participantId', participants.map((p) => p.id)],
    ['contactId', [contact.id, personal.id]],
    ['subscriptionId', [subscription.id]],
    ['msisdn', [...numbers, OUTSIDER_MSISDN, otherMsisdn]],
    ['pilotNumber', [pilot]],
    ['partnerKey', [partnerKey]],
    // Filled from list answers' nextCursor as the run goes.
    ['cursor', []],
    ['department', [...new Set(PEOPLE.map((p) => p.department))]],
    ['period', ['2026-11', '2026-10', '2026-12', '1970-01', '9999-12']],
  ]);
  return { pools, groupId: g, partnerKey, msisdn: msisdns[0]! };
}
