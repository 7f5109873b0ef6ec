import type { TestApp } from '../../helpers/app.js';
import { type CallView, step } from '../calls/setup.js';
import { addMember, createVpnGroup, e164, NUMBERS } from '../vpn/fixtures.js';

/** Shared conference-test helpers: everything through the public API. */

export interface ParticipantView {
  id: string;
  msisdn: string;
  memberId: string | null;
  name: string | null;
  role: 'host' | 'participant';
  state: string;
  muted: boolean;
  callId: string | null;
  joinedAt: string | null;
  leftAt: string | null;
  cause: string | null;
  legs: Array<{ callId: string; joinedAt: string; leftAt: string | null }>;
  minutes: number;
}

export interface ConferenceView {
  id: string;
  groupId: string | null;
  title: string | null;
  state: 'scheduled' | 'active' | 'ended';
  accessNumber: string;
  pin: string;
  hostMsisdn: string;
  maxParticipants: number;
  locked: boolean;
  endWhenHostLeaves: boolean;
  joinedCount: number;
  startAt: string | null;
  durationMinutes: number | null;
  startedAt: string | null;
  endsAt: string | null;
  endedAt: string | null;
  endCause: string | null;
  participants: ParticipantView[];
  participantMinutes?: number;
  chargeFen?: number;
}

export const ACCESS_NUMBER = '95100';

/** A Hebei group with a VPN and five members: 王 (host in most tests), 李, 张, 刘, 陈. */
export async function conferenceGroup(t: TestApp) {
  const groupId = await createVpnGroup(t);
  const wang = await addMember(t, groupId, NUMBERS.wang, { name: '王明' });
  const li = await addMember(t, groupId, NUMBERS.li, { name: '李华' });
  const zhang = await addMember(t, groupId, NUMBERS.zhang, { name: '张兰' });
  const liu = await addMember(t, groupId, NUMBERS.liu, { name: '刘强' });
  const chen = await addMember(t, groupId, NUMBERS.chen, { name: '陈静' });
  return { groupId, wang, li, zhang, liu, chen };
}

export const E = {
  wang: e164(NUMBERS.wang),
  li: e164(NUMBERS.li),
  zhang: e164(NUMBERS.zhang),
  liu: e164(NUMBERS.liu),
  chen: e164(NUMBERS.chen),
  stranger: e164(NUMBERS.stranger),
  other: e164(NUMBERS.other),
};

export function postConference(
  t: TestApp,
  payload: Record<string, unknown>,
  key?: string,
  headers?: Record<string, string>,
) {
  return t.call({
    method: 'POST',
    url: '/v1/conferences',
    payload,
    ...(key === undefined ? {} : { key }),
    ...(headers === undefined ? {} : { headers }),
  });
}

export async function newConference(t: TestApp, payload: Record<string, unknown>): Promise<ConferenceView> {
  const res = await postConference(t, payload);
  if (res.statusCode !== 201) throw new Error(`conference refused: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function getConference(t: TestApp, id: string, key?: string): Promise<ConferenceView> {
  const res = await t.call({
    method: 'GET',
    url: `/v1/conferences/${id}`,
    ...(key === undefined ? {} : { key }),
  });
  if (res.statusCode !== 200) throw new Error(`get conference: ${res.statusCode} ${res.body}`);
  return res.json();
}

export function conferenceAction(t: TestApp, id: string, action: string, key?: string) {
  return t.call({
    method: 'POST',
    url: `/v1/conferences/${id}/actions`,
    payload: { action },
    ...(key === undefined ? {} : { key }),
  });
}

export async function events(t: TestApp, id: string) {
  const res = await t.call({ method: 'GET', url: `/v1/conferences/${id}/events?limit=500` });
  if (res.statusCode !== 200) throw new Error(`events: ${res.statusCode} ${res.body}`);
  return res.json().items as Array<{ seq: number; at: string; type: string; [k: string]: unknown }>;
}

export const byMsisdn = (c: ConferenceView, msisdn: string) => {
  const p = c.participants.find((x) => x.msisdn === msisdn);
  if (p === undefined) throw new Error(`${msisdn} is not in conference ${c.id}`);
  return p;
};

export async function getCall(t: TestApp, callId: string): Promise<CallView> {
  const res = await t.call({ method: 'GET', url: `/v1/calls/${callId}` });
  if (res.statusCode !== 200) throw new Error(`get call: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** The participant's dial-out leg answers; returns the leg. */
export async function answer(t: TestApp, c: ConferenceView, msisdn: string, at?: string): Promise<CallView> {
  const callId = byMsisdn(c, msisdn).callId;
  if (callId === null) throw new Error(`${msisdn} has no leg`);
  return step(t, callId, { action: 'answer', ...(at === undefined ? {} : { at }) });
}

/** Keys on a participant's current leg. */
export async function press(t: TestApp, callId: string, digits: string): Promise<CallView> {
  return step(t, callId, { action: 'dtmf', digits });
}

/** Dials in from `from`: the access number, then the PIN and `#`. Returns the call after the PIN. */
export async function dialIn(t: TestApp, from: string, pin: string): Promise<CallView> {
  const res = await t.call({ method: 'POST', url: '/v1/calls', payload: { from, to: ACCESS_NUMBER } });
  if (res.statusCode !== 201) throw new Error(`dial-in refused: ${res.statusCode} ${res.body}`);
  const call = res.json() as CallView;
  return step(t, call.id, { action: 'dtmf', digits: `${pin}#` });
}

export const lastEvent = (call: CallView) => call.events.at(-1)!;
