import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGroup,
  createPartnerKey,
  createTestApp,
  HEBEI_ENTERPRISE,
  T0,
  type TestApp,
} from '../../helpers/app.js';
import { createPolicy, createTone } from '../ringback/setup.js';
import { addMember, NUMBERS, putVpn } from '../vpn/fixtures.js';
import { cdrsOf, iso, newCall, setBehaviour, step, types, vpnPair } from './setup.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('PUT /v1/sim/subscribers/{msisdn}', () => {
  it('creates (201), replaces (200), normalises the number and reads back; manual is the default', async () => {
    const { liE164 } = await vpnPair(t);
    const before = await t.call({ method: 'GET', url: `/v1/sim/subscribers/${NUMBERS.li}` });
    expect(before.json()).toEqual({ msisdn: liE164, behaviour: 'manual', afterSeconds: 0 });
    const created = await setBehaviour(t, NUMBERS.li, 'busy', 5);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ msisdn: liE164, behaviour: 'busy', afterSeconds: 5 });
    const replaced = await setBehaviour(t, liE164, 'answer');
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toEqual({ msisdn: liE164, behaviour: 'answer', afterSeconds: 0 });
  });

  it.each([
    [{ behaviour: 'sing' }, 'body.behaviour'],
    [{ behaviour: 'answer', afterSeconds: -1 }, 'body.afterSeconds'],
    [{ behaviour: 'answer', afterSeconds: 1.5 }, 'body.afterSeconds'],
  ])('%j is a 400 naming %s', async (payload, field) => {
    const res = await t.call({ method: 'PUT', url: `/v1/sim/subscribers/${NUMBERS.li}`, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('N puts of one number at once: exactly one is told it created it (201), and alerts act by what is stored', async () => {
    const { liE164 } = await vpnPair(t);
    const behaviours = ['busy', 'answer', 'reject', 'no_answer', 'busy', 'answer'];
    const responses = await Promise.all(behaviours.map((b) => setBehaviour(t, liE164, b)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const stored = await t.sql<{ behaviour: string }>(
      'SELECT behaviour FROM sim_subscribers WHERE msisdn = ?',
      liE164,
    );
    expect(stored).toHaveLength(1);
    expect(t.app.services.subscribers.behaviourOf(liE164).behaviour).toBe(stored[0]!.behaviour);
  });

  it('a partner sets its own members and outside numbers, not another group’s members (404)', async () => {
    const { groupId } = await vpnPair(t);
    const other = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '别的公司' });
    await addMember(t, other, NUMBERS.other);
    const key = await createPartnerKey(t, [groupId]);
    const put = (msisdn: string) =>
      t.call({ method: 'PUT', url: `/v1/sim/subscribers/${msisdn}`, payload: { behaviour: 'busy' }, key });
    expect((await put(NUMBERS.li)).statusCode).toBe(201);
    expect((await put(NUMBERS.stranger)).statusCode).toBe(201);
    expect((await put(NUMBERS.other)).statusCode).toBe(404);
  });
});

describe('the shared simulated clock', () => {
  it('moves for the admin key alone: a partner key gets 403 forbidden and the clock stays; every key reads it', async () => {
    const { groupId } = await vpnPair(t);
    const key = await createPartnerKey(t, [groupId]);
    const moved = await t.call({
      method: 'POST',
      url: '/v1/sim/clock',
      payload: { advanceSeconds: 60 },
      key,
    });
    expect(moved.statusCode).toBe(403);
    expect(moved.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(moved.json().code).toBe('forbidden');
    const read = await t.call({ method: 'GET', url: '/v1/sim/clock', key });
    expect(read.statusCode).toBe(200);
    expect(read.json().now).toBe(iso(T0));
    const byAdmin = await t.call({ method: 'POST', url: '/v1/sim/clock', payload: { advanceSeconds: 60 } });
    expect(byAdmin.json().now).toBe(iso(T0 + 60_000));
  });
});

describe('subscribers that act by themselves', () => {
  it('answer at once: the new call is already connected', async () => {
    await vpnPair(t);
    await setBehaviour(t, NUMBERS.li, 'answer');
    const call = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0) });
    expect(call.state).toBe('connected');
    expect(types(call)).toEqual(['routed', 'ringing', 'answered']);
    expect(call.answeredAt).toBe(iso(T0));
  });

  it('busy after 10 s fires when the simulated clock passes it, at the due time on the call clock', async () => {
    await vpnPair(t);
    await setBehaviour(t, NUMBERS.li, 'busy', 10);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602' });
    expect(call.state).toBe('ringing');
    t.clock.advanceTo(T0 + 9_999);
    expect((await t.call({ method: 'GET', url: `/v1/calls/${call.id}` })).json().state).toBe('ringing');
    const moved = await t.call({ method: 'POST', url: '/v1/sim/clock', payload: { advanceSeconds: 1 } });
    expect(moved.statusCode).toBe(200);
    const after = (await t.call({ method: 'GET', url: `/v1/calls/${call.id}` })).json();
    expect(after.state).toBe('ended');
    expect(after.events.at(-2)).toMatchObject({ type: 'busy', at: iso(T0 + 10_000) });
    expect(await cdrsOf(t)).toHaveLength(1);
  });

  it('an action later than the due time lets the subscriber act first', async () => {
    await vpnPair(t);
    await setBehaviour(t, NUMBERS.li, 'answer', 5);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0) });
    const ended = await step(t, call.id, { action: 'hangup', at: iso(T0 + 65_000) });
    expect(types(ended)).toEqual(['routed', 'ringing', 'answered', 'hangup', 'ended']);
    expect(ended.answeredAt).toBe(iso(T0 + 5_000));
    expect((await cdrsOf(t))[0]).toMatchObject({ billableSeconds: 60, chargeFen: 5 });
  });

  it('a caller who hangs up first cancels the pending answer', async () => {
    await vpnPair(t);
    await setBehaviour(t, NUMBERS.li, 'answer', 30);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602' });
    await step(t, call.id, { action: 'hangup' });
    t.clock.advanceTo(T0 + 60_000);
    const after = (await t.call({ method: 'GET', url: `/v1/calls/${call.id}` })).json();
    expect(types(after)).toEqual(['routed', 'ringing', 'hangup', 'ended']);
  });

  it('reject and no_answer behaviours end the call with that cause', async () => {
    await vpnPair(t);
    await setBehaviour(t, NUMBERS.li, 'reject');
    expect((await newCall(t, { from: NUMBERS.wang, to: '602' })).events.at(-1)).toMatchObject({
      cause: 'rejected',
    });
    await setBehaviour(t, NUMBERS.li, 'no_answer');
    expect((await newCall(t, { from: NUMBERS.wang, to: '602' })).events.at(-1)).toMatchObject({
      cause: 'no_answer',
    });
  });
});

describe('ringback in ringing events', () => {
  it('the ringing event carries the tones of the callee group policy at the call time', async () => {
    const groupId = await createGroup(t);
    await putVpn(t, groupId);
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '601' });
    await addMember(t, groupId, NUMBERS.li, { shortCode: '602' });
    const tone = await createTone(t, groupId, '欢迎致电');
    const policyId = await createPolicy(t, groupId, {
      name: '工作时间',
      appliesTo: { all: true },
      schedule: { weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
      toneIds: [tone],
    });
    const inHours = await newCall(t, { from: NUMBERS.wang, to: '602', at: '2026-11-24T10:00:00+08:00' });
    expect(inHours.events[1]).toMatchObject({
      type: 'ringing',
      ringback: { policyId, toneIds: [tone], playback: 'single' },
    });
    const night = await newCall(t, { from: NUMBERS.wang, to: '602', at: '2026-11-24T20:00:00+08:00' });
    expect(night.events[1]).toMatchObject({ type: 'ringing', ringback: null });
  });
});

describe('restart', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'calls-restart-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a call in the middle continues after a restart, and a pending answer still fires', async () => {
    await t.close();
    t = await createTestApp({ dataDir });
    await vpnPair(t);
    const connected = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0) });
    await step(t, connected.id, { action: 'answer', at: iso(T0 + 1_000) });
    await setBehaviour(t, NUMBERS.wang, 'answer', 20);
    const pending = await newCall(t, { from: NUMBERS.li, to: '601' });
    await t.close();

    t = await createTestApp({ dataDir });
    const resumed = (await t.call({ method: 'GET', url: `/v1/calls/${connected.id}` })).json();
    expect(resumed).toMatchObject({ state: 'connected', answeredAt: iso(T0 + 1_000) });
    const ended = await step(t, connected.id, { action: 'hangup', at: iso(T0 + 61_000) });
    expect(ended.state).toBe('ended');
    const ringing = await t.call({ method: 'GET', url: '/v1/calls?state=ringing' });
    expect(ringing.json().items.map((c: { id: string }) => c.id)).toEqual([pending.id]);
    t.clock.advanceTo(T0 + 20_000);
    expect((await t.call({ method: 'GET', url: `/v1/calls/${pending.id}` })).json().state).toBe('connected');
    const cdrs = await cdrsOf(t);
    expect(cdrs.map((c) => c.callId)).toEqual([connected.id]);
    expect(cdrs[0]).toMatchObject({ billableSeconds: 60 });
  });
});
