import type { TestApp } from '../../helpers/app.js';
import { addMember, createVpnGroup, e164, NUMBERS } from '../vpn/fixtures.js';

/** Shared call-test helpers: everything through the public API. */

export interface CallView {
  id: string;
  state: string;
  callType: string;
  from: string;
  to: string;
  presentedCallerId: string;
  target: { msisdn: string; memberId?: string; groupId?: string } | null;
  switchboardId?: string;
  events: Array<{ at: string; type: string; [k: string]: unknown }>;
  cdrId?: string;
  answeredAt: string | null;
  endedAt: string | null;
  allowedActions: string[];
}

export const iso = (ms: number) => new Date(ms).toISOString();

export async function placeCall(t: TestApp, payload: Record<string, unknown>, key?: string) {
  return t.call({ method: 'POST', url: '/v1/calls', payload, ...(key === undefined ? {} : { key }) });
}

export async function newCall(t: TestApp, payload: Record<string, unknown>): Promise<CallView> {
  const res = await placeCall(t, payload);
  if (res.statusCode !== 201) throw new Error(`call refused: ${res.statusCode} ${res.body}`);
  return res.json();
}

export function act(t: TestApp, callId: string, payload: Record<string, unknown>, key?: string) {
  return t.call({
    method: 'POST',
    url: `/v1/calls/${callId}/actions`,
    payload,
    ...(key === undefined ? {} : { key }),
  });
}

/** Acts and expects a 200; returns the call. */
export async function step(t: TestApp, callId: string, payload: Record<string, unknown>): Promise<CallView> {
  const res = await act(t, callId, payload);
  if (res.statusCode !== 200)
    throw new Error(`${JSON.stringify(payload)} refused: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function cdrsOf(t: TestApp, query = '') {
  const res = await t.call({ method: 'GET', url: `/v1/cdrs${query}` });
  if (res.statusCode !== 200) throw new Error(`cdrs: ${res.body}`);
  return res.json().items as Array<Record<string, unknown>>;
}

export function setBehaviour(t: TestApp, msisdn: string, behaviour: string, afterSeconds?: number) {
  return t.call({
    method: 'PUT',
    url: `/v1/sim/subscribers/${encodeURIComponent(msisdn)}`,
    payload: { behaviour, ...(afterSeconds === undefined ? {} : { afterSeconds }) },
  });
}

export const types = (call: CallView) => call.events.map((e) => e.type);

/** A Hebei VPN group with 王 (short code 601) and 李 (602). */
export async function vpnPair(t: TestApp) {
  const groupId = await createVpnGroup(t);
  const wang = await addMember(t, groupId, NUMBERS.wang, { name: '王明', shortCode: '601' });
  const li = await addMember(t, groupId, NUMBERS.li, { name: '李华', shortCode: '602' });
  return { groupId, wang, li, wangE164: e164(NUMBERS.wang), liE164: e164(NUMBERS.li) };
}
