import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED_TEXT } from '../../../src/services/redaction.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import {
  A_NUMBERS,
  A_TEXTS,
  e164,
  scannedClient,
  type TenantA,
  type TenantB,
  tenantA,
  tenantB,
} from './tenants.js';

/**
 * Tenant B's traffic that reaches tenant A's members (and A's traffic that reaches B's) leaves
 * no trace of A in anything B's partner key reads: every answer B gets in this file is scanned
 * for A's ids, names and configured texts (see tenants.ts), so a new field that leaks fails here
 * whatever its name. A's numbers may show: B dialled them. The admin key, reading the same
 * things, does see A's side: the checks are not vacuous.
 */

// biome-ignore lint/suspicious/noExplicitAny: answers read field by field
type Json = Record<string, any>;

/** A's pilot as dialled (digits only). */
const PILOT_DIALLED = A_NUMBERS.pilot.replace('-', '');

describe("cross-tenant traffic shows another tenant's party as its number only", () => {
  let t: TestApp;
  let a: TenantA;
  let b: TenantB;
  let asB: (options: InjectOptions) => Promise<LightMyRequestResponse>;

  beforeAll(async () => {
    t = await createTestApp();
    a = await tenantA(t);
    b = await tenantB(t);
    asB = scannedClient(t, b.key, () => a.secrets);
  });
  afterAll(() => t.close());

  /** B's request, which must answer `status`; returns the JSON. */
  const byB = async (options: InjectOptions, status = 200): Promise<Json> => {
    const res = await asB(options);
    expect(res.statusCode, `${options.method} ${options.url}: ${res.body}`).toBe(status);
    return res.json();
  };
  const admin = async (options: InjectOptions, status = 200): Promise<Json> => {
    const res = await t.call(options);
    expect(res.statusCode, `${options.method} ${options.url}: ${res.body}`).toBe(status);
    return res.json();
  };
  const route = (payload: object) => ({ method: 'POST' as const, url: '/v1/route', payload });
  const act = (callId: string, payload: object) => ({
    method: 'POST' as const,
    url: `/v1/calls/${callId}/actions`,
    payload,
  });

  it("routes to A's member in every form, by voice and SMS, with A's side as a number", async () => {
    for (const to of [A_NUMBERS.zhang, '+8613803220001', '8613803220001']) {
      for (const service of ['voice', 'sms']) {
        const decision = await byB(route({ from: b.wang.msisdn, to, service }));
        expect(decision).toMatchObject({ decision: 'connect', callType: 'offnet', ringback: null });
        expect(decision.target).toEqual({ msisdn: a.zhang.msisdn });
      }
    }
    const seenByAdmin = await admin(route({ from: b.wang.msisdn, to: A_NUMBERS.zhang }));
    expect(seenByAdmin.target.memberId).toBe(a.zhang.id);
    expect(seenByAdmin.ringback.policyId).toBe(a.policyId);
    expect(seenByAdmin.explanation).toContain('甲张三');
  });

  it("routes to A's pilot and to A's suspended member without A's switchboard, ids or names", async () => {
    const pilot = await byB(route({ from: b.wang.msisdn, to: PILOT_DIALLED }));
    expect(pilot).toMatchObject({ decision: 'ivr', callType: 'switchboard_inbound' });
    expect(pilot.target).toEqual({ msisdn: e164(A_NUMBERS.pilot) });
    expect(pilot).not.toHaveProperty('switchboardId');
    const suspended = await byB(route({ from: b.wang.msisdn, to: A_NUMBERS.suspended }));
    expect(suspended).toMatchObject({ decision: 'reject', reason: 'callee_suspended' });
    expect(suspended.target).toEqual({ msisdn: a.suspended.msisdn });
    expect((await admin(route({ from: b.wang.msisdn, to: PILOT_DIALLED }))).switchboardId).toBe(
      a.switchboardId,
    );
  });

  it("hides the caller's side when A's members call B's: A's switchboard on the outbound prefix", async () => {
    const direct = await byB(route({ from: a.zhang.msisdn, to: b.wang.msisdn }));
    expect(direct.target).toEqual({ msisdn: b.wang.msisdn, memberId: b.wang.id, groupId: b.groupId });
    const outbound = await byB(route({ from: a.li.msisdn, to: `9${b.wang.msisdn.slice(3)}` }));
    expect(outbound).toMatchObject({
      callType: 'switchboard_outbound',
      presentedCallerId: e164(A_NUMBERS.pilot),
    });
    expect(outbound).not.toHaveProperty('switchboardId');

    const call = await admin(
      { method: 'POST', url: '/v1/calls', payload: { from: a.li.msisdn, to: `9${b.chen.msisdn.slice(3)}` } },
      201,
    );
    expect(call.switchboardId).toBe(a.switchboardId);
    const seen = await byB({ method: 'GET', url: `/v1/calls/${call.id}` });
    expect(seen).not.toHaveProperty('switchboardId');
    expect(seen.target.memberId).toBe(b.chen.id);
  });

  it("places a call to A's member: answer, events and actions show A's member as a number", async () => {
    const call = await byB(
      { method: 'POST', url: '/v1/calls', payload: { from: b.wang.msisdn, to: A_NUMBERS.zhang } },
      201,
    );
    expect(call.target).toEqual({ msisdn: a.zhang.msisdn });
    const ringing = call.events.find((e: Json) => e.type === 'ringing');
    expect(ringing).toMatchObject({ msisdn: a.zhang.msisdn, ringback: null });
    expect(ringing).not.toHaveProperty('memberId');
    await byB(act(call.id, { action: 'answer' }));
    const ended = await byB(act(call.id, { action: 'hangup' }));
    expect(ended.state).toBe('ended');
    expect((await byB({ method: 'GET', url: `/v1/calls/${call.id}` })).target).toEqual({
      msisdn: a.zhang.msisdn,
    });

    const full = await admin({ method: 'GET', url: `/v1/calls/${call.id}` });
    expect(full.target.memberId).toBe(a.zhang.id);
    expect(full.events.find((e: Json) => e.type === 'ringing').ringback.toneIds).toEqual([a.toneId]);
  });

  it("calls A's switchboard: greeting, prompts, menu, transfers and queue without A's texts or ids", async () => {
    const call = await byB(
      { method: 'POST', url: '/v1/calls', payload: { from: b.wang.msisdn, to: PILOT_DIALLED } },
      201,
    );
    expect(call.state).toBe('in_ivr');
    expect(call).not.toHaveProperty('switchboardId');
    expect(call.events.filter((e: Json) => e.type === 'greeting' || e.type === 'prompt')).toEqual([
      expect.objectContaining({ type: 'greeting', text: REDACTED_TEXT }),
      expect.objectContaining({ type: 'prompt', text: REDACTED_TEXT }),
    ]);
    await byB(act(call.id, { action: 'dtmf', digits: '7' }));
    const ringingAtExtension = await byB(act(call.id, { action: 'dtmf', digits: '1' }));
    expect(ringingAtExtension.target).toEqual({ msisdn: a.li.msisdn });
    const queued = await byB(act(call.id, { action: 'busy' }));
    expect(queued.state).toBe('queued');
    const refused = await asB(act(call.id, { action: 'transfer', target: { extension: '8399' } }));
    expect(refused.statusCode).toBe(422);
    const transferred = await byB(act(call.id, { action: 'transfer', target: { extension: '8301' } }));
    expect(transferred).toMatchObject({ state: 'ringing', target: { msisdn: a.li.msisdn } });
    await byB(act(call.id, { action: 'hangup' }));

    const full = await admin({ method: 'GET', url: `/v1/calls/${call.id}` });
    expect(full.switchboardId).toBe(a.switchboardId);
    expect(full.events.map((e: Json) => e.text)).toContain(A_TEXTS.greeting);
  });

  it("sends an SMS to A's member: the recipient is a number; a refusal names nothing of A's", async () => {
    const sent = await byB(
      {
        method: 'POST',
        url: '/v1/messages',
        payload: { from: b.wang.msisdn, to: A_NUMBERS.zhang, text: '你好' },
      },
      201,
    );
    expect(sent.recipients).toEqual([{ msisdn: a.zhang.msisdn }]);
    await byB(
      {
        method: 'POST',
        url: '/v1/messages',
        payload: { from: b.wang.msisdn, to: A_NUMBERS.suspended, text: '你好' },
      },
      422,
    );
    await admin(
      {
        method: 'POST',
        url: '/v1/messages',
        payload: { from: a.zhang.msisdn, to: b.wang.msisdn, text: '回复' },
      },
      201,
    );
    const queries: Record<string, string>[] = [
      {},
      { to: a.zhang.msisdn },
      { from: b.wang.msisdn },
      { to: b.wang.msisdn },
    ];
    for (const query of queries) {
      const list = await byB({ method: 'GET', url: '/v1/messages', query });
      expect(list.items.length).toBeGreaterThan(0);
    }
    const full = await admin({ method: 'GET', url: '/v1/messages', query: { to: a.zhang.msisdn } });
    expect(full.items[0].recipients[0].memberId).toBe(a.zhang.id);
  });

  it("runs B's conference with A's members: the answer, participants and legs show numbers", async () => {
    const conference = await byB(
      {
        method: 'POST',
        url: '/v1/conferences',
        payload: { hostMsisdn: b.wang.msisdn, participants: [{ msisdn: A_NUMBERS.zhang }] },
      },
      201,
    );
    const zhang = conference.participants[1];
    expect(zhang).toMatchObject({ msisdn: a.zhang.msisdn, memberId: null, name: null });
    expect(conference.participants[0]).toMatchObject({ memberId: b.wang.id, name: '乙王' });
    const leg = await byB({ method: 'GET', url: `/v1/calls/${zhang.callId}` });
    expect(leg.target).toEqual({ msisdn: a.zhang.msisdn });
    await byB(act(conference.participants[0].callId, { action: 'answer' }));
    await byB(act(zhang.callId, { action: 'answer' }));
    const li = await byB(
      {
        method: 'POST',
        url: `/v1/conferences/${conference.id}/participants`,
        payload: { msisdn: A_NUMBERS.li },
      },
      201,
    );
    expect(li).toMatchObject({ memberId: null, name: null });
    const url = `/v1/conferences/${conference.id}/participants/${zhang.id}`;
    expect(await byB({ method: 'PATCH', url, payload: { muted: true } })).toMatchObject({
      muted: true,
      name: null,
    });
    expect(await byB({ method: 'DELETE', url })).toMatchObject({ state: 'kicked', memberId: null });
    await byB({ method: 'GET', url: `/v1/conferences/${conference.id}` });
    await byB({ method: 'GET', url: `/v1/conferences/${conference.id}/events` });
    await byB({
      method: 'POST',
      url: `/v1/conferences/${conference.id}/actions`,
      payload: { action: 'end' },
    });

    const full = await admin({ method: 'GET', url: `/v1/conferences/${conference.id}` });
    expect(full.participants[1]).toMatchObject({ memberId: a.zhang.id, name: '甲张三' });
  });

  it("shows B A's conference with B's member in it: A's group and members as numbers; dial-in by PIN", async () => {
    const conference = await admin(
      {
        method: 'POST',
        url: '/v1/conferences',
        payload: { hostMsisdn: a.zhang.msisdn, title: '甲乙会议', participants: [{ msisdn: b.chen.msisdn }] },
      },
      201,
    );
    const seen = await byB({ method: 'GET', url: `/v1/conferences/${conference.id}` });
    expect(seen.groupId).toBeNull();
    expect(seen.participants[0]).toMatchObject({ msisdn: a.zhang.msisdn, memberId: null, name: null });
    expect(seen.participants[1]).toMatchObject({ memberId: b.chen.id, name: '乙陈' });
    // B's member misses the call, gets the SMS with the PIN and dials in.
    await byB(act(seen.participants[1].callId, { action: 'busy' }));
    const inbox = await byB({ method: 'GET', url: '/v1/messages', query: { to: b.chen.msisdn } });
    expect(inbox.items[0].text).toContain(conference.pin);
    const dialIn = await byB(
      { method: 'POST', url: '/v1/calls', payload: { from: b.chen.msisdn, to: '95100' } },
      201,
    );
    await byB(act(dialIn.id, { action: 'dtmf', digits: `${conference.pin}#` }));
    const listed = await byB({ method: 'GET', url: '/v1/conferences' });
    expect(listed.items.map((c: Json) => c.id)).toContain(conference.id);
    expect(listed.items.map((c: Json) => c.id)).not.toContain(a.conference.id);
    await byB({ method: 'GET', url: `/v1/conferences/${conference.id}/events` });
  });

  it("lists B's calls and CDRs (JSON and CSV) with nothing of A's", async () => {
    const calls = await byB({ method: 'GET', url: '/v1/calls', query: { limit: '500' } });
    expect(calls.items.length).toBeGreaterThan(5);
    expect(calls.items.map((c: Json) => c.id)).not.toContain(a.callId);
    const cdrs = await byB({ method: 'GET', url: '/v1/cdrs', query: { limit: '500' } });
    expect(cdrs.items.length).toBeGreaterThan(0);
    const csv = await asB({ method: 'GET', url: '/v1/cdrs', headers: { accept: 'text/csv' } });
    expect(csv.headers['content-type']).toContain('text/csv');
  });

  it('names what holds a number in a conflict, never whose', async () => {
    const mobilePilot = await admin(
      {
        method: 'POST',
        url: `/v1/groups/${a.groupId}/switchboards`,
        payload: { pilotNumber: '13803229999', greeting: '甲', menu: { prompt: '甲', options: {} } },
      },
      201,
    );
    a.secrets.add(mobilePilot.id);
    const member = (msisdn: string) => ({
      method: 'POST' as const,
      url: `/v1/groups/${b.groupId}/members`,
      payload: { msisdn, name: '乙新' },
    });
    expect((await byB(member(A_NUMBERS.zhang), 409)).code).toBe('msisdn_taken');
    expect((await byB(member('13803229999'), 409)).code).toBe('msisdn_taken');
    const switchboard = await byB(
      {
        method: 'POST',
        url: `/v1/groups/${b.groupId}/switchboards`,
        payload: { pilotNumber: A_NUMBERS.pilot, greeting: '乙', menu: { prompt: '乙', options: {} } },
      },
      409,
    );
    expect(switchboard.code).toBe('pilot_number_taken');
    const pinTaken = await byB(
      {
        method: 'POST',
        url: '/v1/conferences',
        payload: { hostMsisdn: b.wang.msisdn, pin: a.conference.pin, participants: [] },
      },
      409,
    );
    expect(pinTaken.code).toBe('pin_taken');
  });
});
