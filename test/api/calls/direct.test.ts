import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerKey, createTestApp, T0, type TestApp } from '../../helpers/app.js';
import { addMember, createVpnGroup, e164, NUMBERS, patchMember } from '../vpn/fixtures.js';
import { act, cdrsOf, iso, newCall, placeCall, step, types, vpnPair } from './setup.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('a short-code call between two members', () => {
  it('rings, connects, hangs up and writes one CDR rated by started minutes', async () => {
    const { groupId, li, wangE164, liE164 } = await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0) });
    expect(call).toMatchObject({
      state: 'ringing',
      callType: 'vpn_short',
      from: wangE164,
      to: '602',
      presentedCallerId: '601',
      target: { msisdn: liE164, memberId: li.id, groupId },
      answeredAt: null,
      allowedActions: ['answer', 'reject', 'busy', 'no_answer', 'hangup'],
    });
    expect(types(call)).toEqual(['routed', 'ringing']);
    expect(call.events[1]).toMatchObject({ at: iso(T0), msisdn: liE164, memberId: li.id, ringback: null });

    const answered = await step(t, call.id, { action: 'answer', at: iso(T0 + 5_000) });
    expect(answered.state).toBe('connected');
    expect(answered.answeredAt).toBe(iso(T0 + 5_000));

    const ended = await step(t, call.id, { action: 'hangup', at: iso(T0 + 5_000 + 60_500) });
    expect(ended.state).toBe('ended');
    expect(types(ended)).toEqual(['routed', 'ringing', 'answered', 'hangup', 'ended']);
    expect(ended.cdrId).toMatch(/^cdr_/);

    const [cdr, ...more] = await cdrsOf(t);
    expect(more).toEqual([]);
    // 60.5 s answered → 61 billable seconds → 2 started minutes at the catalogue's on-net 5 fen.
    expect(cdr).toMatchObject({
      id: ended.cdrId,
      callId: call.id,
      groupId,
      callType: 'vpn_short',
      presentedCallerId: '601',
      startedAt: iso(T0),
      answeredAt: iso(T0 + 5_000),
      endedAt: iso(T0 + 65_500),
      billableSeconds: 61,
      tariffClass: 'onnet',
      rateFenPerMinute: 5,
      chargeFen: 10,
    });
  });

  it.each([
    ['reject', 'rejected'],
    ['busy', 'busy'],
    ['no_answer', 'no_answer'],
  ])('%s ends the call unanswered with a 0-second CDR', async (action, event) => {
    await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0) });
    const ended = await step(t, call.id, { action, at: iso(T0 + 20_000) });
    expect(ended.state).toBe('ended');
    expect(types(ended)).toEqual(['routed', 'ringing', event, 'ended']);
    expect(ended.events.at(-1)).toMatchObject({ cause: action === 'reject' ? 'rejected' : action });
    const cdrs = await cdrsOf(t);
    expect(cdrs).toHaveLength(1);
    expect(cdrs[0]).toMatchObject({ billableSeconds: 0, chargeFen: 0, answeredAt: null });
  });

  it('the caller hanging up while it rings ends it unanswered', async () => {
    await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602' });
    const ended = await step(t, call.id, { action: 'hangup' });
    expect(ended.events.at(-1)).toMatchObject({ type: 'ended', cause: 'hangup' });
    expect((await cdrsOf(t))[0]).toMatchObject({ billableSeconds: 0 });
  });
});

describe('calls the router refuses', () => {
  it('a suspended caller gets the announcement and an ended call with one CDR', async () => {
    const { groupId, wang } = await vpnPair(t);
    await patchMember(t, groupId, wang.id, { status: 'suspended' });
    const call = await newCall(t, { from: NUMBERS.wang, to: '602' });
    expect(call.state).toBe('ended');
    expect(types(call)).toEqual(['routed', 'announcement', 'ended']);
    expect(call.events[0]).toMatchObject({ decision: 'reject', reason: 'caller_suspended' });
    expect(call.events.at(-1)).toMatchObject({ cause: 'caller_suspended' });
    expect(call.cdrId).toBeDefined();
    expect(await cdrsOf(t)).toHaveLength(1);
  });

  it('an unallocated short code is refused the same way', async () => {
    await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '699' });
    expect(call.state).toBe('ended');
    expect(call.events[1]?.text).toContain('空号');
  });
});

describe('other kinds of call', () => {
  it('an off-net call rings the outside number and is rated off-net', async () => {
    await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '01012345678', at: iso(T0) });
    expect(call).toMatchObject({ state: 'ringing', callType: 'offnet', target: { msisdn: '+861012345678' } });
    await step(t, call.id, { action: 'answer', at: iso(T0) });
    await step(t, call.id, { action: 'hangup', at: iso(T0 + 59_000) });
    expect((await cdrsOf(t))[0]).toMatchObject({ tariffClass: 'offnet', billableSeconds: 59, chargeFen: 15 });
  });

  it('an emergency call rings the emergency number whoever calls', async () => {
    const call = await newCall(t, { from: NUMBERS.stranger, to: '110' });
    expect(call).toMatchObject({ state: 'ringing', callType: 'emergency', target: { msisdn: '110' } });
  });

  it('a long-number call between members is on-net', async () => {
    const { liE164 } = await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: liE164 });
    expect(call.callType).toBe('vpn_onnet');
  });
});

describe('actions the state does not allow and bad input', () => {
  it('409 names the state; ended calls take nothing', async () => {
    await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602' });
    const dtmf = await act(t, call.id, { action: 'dtmf', digits: '1' });
    expect(dtmf.statusCode).toBe(409);
    expect(dtmf.json()).toMatchObject({ code: 'call_action_not_allowed' });
    expect(dtmf.json().detail).toContain('ringing');
    await step(t, call.id, { action: 'hangup' });
    for (const action of ['answer', 'hangup', 'busy']) {
      const res = await act(t, call.id, { action });
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toContain('state ended');
    }
    expect(await cdrsOf(t)).toHaveLength(1);
  });

  it('an action before the last event is a 422 naming body.at, and changes nothing', async () => {
    await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0) });
    const res = await act(t, call.id, { action: 'answer', at: iso(T0 - 1_000) });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'call_time_regressed', errors: [{ path: 'body.at' }] });
    const again = await t.call({ method: 'GET', url: `/v1/calls/${call.id}` });
    expect(again.json().state).toBe('ringing');
  });

  it('without at, an action uses the service clock but never runs the call clock backwards', async () => {
    await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0 + 3_600_000) });
    const answered = await step(t, call.id, { action: 'answer' });
    expect(answered.answeredAt).toBe(iso(T0 + 3_600_000));
  });

  it.each([
    [{ action: 'dtmf' }, 'body.digits'],
    [{ action: 'dtmf', digits: '12a' }, 'body.digits'],
    [{ action: 'transfer' }, 'body.target'],
    [{ action: 'transfer', target: { extension: '8001', memberId: 'm' } }, 'body.target'],
    [{ action: 'dance' }, 'body.action'],
    [{ action: 'answer', at: 'yesterday' }, 'body.at'],
  ])('%j is a 400 naming %s', async (payload, path) => {
    await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602' });
    const res = await act(t, call.id, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it.each([
    [{ from: 'not-a-number', to: '602' }, 'body.from'],
    [{ from: NUMBERS.wang, to: '60-2' }, 'body.to'],
    [{ from: NUMBERS.wang }, 'body.to'],
  ])('a new call %j is a 400 naming %s', async (payload, path) => {
    const res = await placeCall(t, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('unknown calls are 404', async () => {
    expect((await t.call({ method: 'GET', url: '/v1/calls/call_nope' })).statusCode).toBe(404);
    expect((await act(t, 'call_nope', { action: 'hangup' })).statusCode).toBe(404);
  });
});

describe('lists and scope', () => {
  it('lists calls by state and group; a partner sees only calls touching its groups', async () => {
    const { groupId } = await vpnPair(t);
    const other = await createVpnGroup(t, undefined, {
      name: '北京某公司',
      institutionType: 'enterprise',
      valueTier: 'B1',
      province: 'CN-BJ',
    });
    await addMember(t, other, NUMBERS.other, { homeProvince: 'CN-BJ' });
    const inside = await newCall(t, { from: NUMBERS.wang, to: '602' });
    const outside = await newCall(t, { from: NUMBERS.other, to: '01012345678' });
    await step(t, outside.id, { action: 'hangup' });

    const ringing = await t.call({ method: 'GET', url: '/v1/calls?state=ringing' });
    expect(ringing.json().items.map((c: { id: string }) => c.id)).toEqual([inside.id]);
    const byGroup = await t.call({ method: 'GET', url: `/v1/calls?groupId=${other}` });
    expect(byGroup.json().items.map((c: { id: string }) => c.id)).toEqual([outside.id]);

    const key = await createPartnerKey(t, [groupId]);
    const mine = await t.call({ method: 'GET', url: '/v1/calls', key });
    expect(mine.json().items.map((c: { id: string }) => c.id)).toEqual([inside.id]);
    expect((await t.call({ method: 'GET', url: `/v1/calls/${outside.id}`, key })).statusCode).toBe(404);
    expect((await act(t, outside.id, { action: 'answer' }, key)).statusCode).toBe(404);
    expect((await t.call({ method: 'GET', url: `/v1/calls?groupId=${other}`, key })).statusCode).toBe(404);
    // A new call where neither party is the partner's: 403.
    const refused = await placeCall(t, { from: NUMBERS.other, to: '01012345678' }, key);
    expect(refused.statusCode).toBe(403);
    // The partner acts on its own call.
    expect((await act(t, inside.id, { action: 'answer' }, key)).statusCode).toBe(200);

    const cdrs = await t.call({ method: 'GET', url: '/v1/cdrs', key });
    expect(cdrs.json().items).toEqual([]);
    expect((await t.call({ method: 'GET', url: `/v1/cdrs?groupId=${other}`, key })).statusCode).toBe(404);
  });

  it('pages calls with limit and cursor, oldest first', async () => {
    await vpnPair(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await newCall(t, { from: NUMBERS.wang, to: '602' })).id);
    const first = (await t.call({ method: 'GET', url: '/v1/calls?limit=2' })).json();
    expect(first.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    const second = (
      await t.call({ method: 'GET', url: `/v1/calls?limit=3&cursor=${first.nextCursor}` })
    ).json();
    expect(second.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(2));
    expect(second.nextCursor).toBeNull();
  });

  it('an Idempotency-Key retry of POST /v1/calls creates one call', async () => {
    await vpnPair(t);
    const send = () =>
      t.call({
        method: 'POST',
        url: '/v1/calls',
        payload: { from: NUMBERS.wang, to: '602' },
        headers: { 'idempotency-key': 'call-once' },
      });
    const first = await send();
    const second = await send();
    expect(second.json().id).toBe(first.json().id);
    const all = await t.call({ method: 'GET', url: '/v1/calls' });
    expect(all.json().items).toHaveLength(1);
  });
});

describe('CDR filters', () => {
  it('filters by group, time range and call type', async () => {
    const { groupId } = await vpnPair(t);
    const a = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0) });
    await step(t, a.id, { action: 'busy', at: iso(T0) });
    const b = await newCall(t, { from: NUMBERS.wang, to: '01012345678', at: iso(T0 + 3_600_000) });
    await step(t, b.id, { action: 'hangup', at: iso(T0 + 3_600_000) });
    const ids = async (q: string) => (await cdrsOf(t, q)).map((c) => c.callId);
    expect(await ids(`?groupId=${groupId}`)).toEqual([a.id, b.id]);
    expect(await ids('?callType=offnet')).toEqual([b.id]);
    expect(await ids(`?from=${encodeURIComponent(iso(T0 + 1))}`)).toEqual([b.id]);
    expect(await ids(`?to=${encodeURIComponent(iso(T0 + 1))}`)).toEqual([a.id]);
    expect(e164(NUMBERS.wang)).toBe((await cdrsOf(t))[0]?.from);
  });
});
