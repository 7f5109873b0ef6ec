import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { testConfig } from '../../../src/config.js';
import { ADMIN_KEY, createTestApp, T0, type TestApp } from '../../helpers/app.js';
import { iso } from '../calls/setup.js';
import {
  answer,
  byMsisdn,
  type ConferenceView,
  conferenceAction,
  conferenceGroup,
  dialIn,
  E,
  events,
  getCall,
  getConference,
  newConference,
  postConference,
} from './setup.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const HOUR = 3_600_000;
const advance = (seconds: number) =>
  t.call({ method: 'POST', url: '/v1/sim/clock', payload: { advanceSeconds: seconds } });

async function scheduled(extra: Record<string, unknown> = {}): Promise<ConferenceView> {
  const g = await conferenceGroup(t);
  return newConference(t, {
    hostMsisdn: E.wang,
    title: '季度复盘',
    startAt: '2026-11-24T10:00:00+08:00',
    durationMinutes: 30,
    participants: [{ memberId: g.li.id }],
    ...extra,
  });
}

describe('scheduled conferences under the simulated clock', () => {
  it('wait scheduled, invite without dialling, and answer a dial-in with when they start', async () => {
    const c = await scheduled();
    expect(c).toMatchObject({
      state: 'scheduled',
      startAt: iso(T0 + HOUR),
      startedAt: null,
      endsAt: null,
      joinedCount: 0,
    });
    expect(c.participants.map((p) => [p.state, p.callId])).toEqual([
      ['invited', null],
      ['invited', null],
    ]);
    const early = await dialIn(t, E.li, c.pin);
    expect(early.state).toBe('ended');
    expect(early.events.at(-2)).toMatchObject({
      type: 'announcement',
      text: expect.stringContaining('2026-11-24 10:00 UTC+08:00'),
    });
    expect(early.events.at(-1)).toMatchObject({ cause: 'conference_not_started' });
    const added = await t.call({
      method: 'POST',
      url: `/v1/conferences/${c.id}/participants`,
      payload: { msisdn: E.zhang },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ state: 'invited', callId: null });
    const muted = await t.call({
      method: 'PATCH',
      url: `/v1/conferences/${c.id}/participants/${added.json().id}`,
      payload: { muted: true },
    });
    expect(muted.json()).toMatchObject({ state: 'invited', muted: true });
  });

  it('start when the clock reaches startAt (POST /v1/sim/clock), dial everyone, and end when the duration is over', async () => {
    const c = await scheduled();
    await advance(3599);
    expect((await getConference(t, c.id)).state).toBe('scheduled');
    await advance(1);
    let room = await getConference(t, c.id);
    expect(room).toMatchObject({
      state: 'active',
      startedAt: iso(T0 + HOUR),
      endsAt: iso(T0 + HOUR + 30 * 60_000),
    });
    expect(room.participants.every((p) => p.state === 'dialing' && p.callId !== null)).toBe(true);
    expect((await getCall(t, room.participants[0]!.callId!)).state).toBe('ringing');
    await answer(t, room, E.wang);
    await answer(t, room, E.li);
    await advance(29 * 60 + 59);
    expect((await getConference(t, c.id)).state).toBe('active');
    await advance(1);
    room = await getConference(t, c.id);
    expect(room).toMatchObject({
      state: 'ended',
      endCause: 'duration_elapsed',
      endedAt: iso(T0 + HOUR + 30 * 60_000),
      participantMinutes: 60,
      chargeFen: 600,
    });
    for (const p of room.participants) expect((await getCall(t, p.callId!)).state).toBe('ended');
  });

  it('a jump past both the start and the end runs both, each at its own time, in order', async () => {
    const c = await scheduled();
    await advance(5 * 3600);
    const room = await getConference(t, c.id);
    expect(room).toMatchObject({
      state: 'ended',
      startedAt: iso(T0 + HOUR),
      endedAt: iso(T0 + HOUR + 30 * 60_000),
      endCause: 'duration_elapsed',
      chargeFen: 0,
    });
    expect((await events(t, c.id)).map((e) => [e.type, e.at])).toEqual([
      ['created', iso(T0)],
      ['started', iso(T0 + HOUR)],
      ['dialing', iso(T0 + HOUR)],
      ['dialing', iso(T0 + HOUR)],
      ['ended', iso(T0 + HOUR + 30 * 60_000)],
    ]);
    expect(byMsisdn(room, E.li)).toMatchObject({ state: 'no_answer', cause: 'conference_ended' });
  });

  it('PATCH durationMinutes extends a running conference; a duration already past is a 422', async () => {
    const c = await scheduled();
    await advance(3600);
    await answer(t, await getConference(t, c.id), E.wang);
    await advance(20 * 60);
    const past = await t.call({
      method: 'PATCH',
      url: `/v1/conferences/${c.id}`,
      payload: { durationMinutes: 15 },
    });
    expect(past.statusCode).toBe(422);
    expect(past.json().code).toBe('duration_too_short');
    const extended = await t.call({
      method: 'PATCH',
      url: `/v1/conferences/${c.id}`,
      payload: { durationMinutes: 45 },
    });
    expect(extended.statusCode).toBe(200);
    expect(extended.json()).toMatchObject({ durationMinutes: 45, endsAt: iso(T0 + HOUR + 45 * 60_000) });
    await advance(10 * 60);
    expect((await getConference(t, c.id)).state).toBe('active');
    await advance(15 * 60);
    expect(await getConference(t, c.id)).toMatchObject({
      state: 'ended',
      endedAt: iso(T0 + HOUR + 45 * 60_000),
    });
    expect((await events(t, c.id)).map((e) => e.type)).toContain('extended');
  });

  it('a startAt already reached starts at once; ending a scheduled one cancels it and frees its PIN', async () => {
    const g = await conferenceGroup(t);
    const now = await newConference(t, { hostMsisdn: E.wang, startAt: iso(T0 - 60_000), participants: [] });
    expect(now).toMatchObject({ state: 'active', startedAt: iso(T0), startAt: null });
    const later = await newConference(t, {
      hostMsisdn: E.li,
      pin: '8888',
      startAt: iso(T0 + HOUR),
      participants: [{ memberId: g.zhang.id }],
    });
    const cancelled = await conferenceAction(t, later.id, 'end');
    expect(cancelled.json()).toMatchObject({
      state: 'ended',
      endCause: 'ended_by_api',
      chargeFen: 0,
      startedAt: null,
    });
    expect(cancelled.json().participants.map((p: { state: string }) => p.state)).toEqual([
      'invited',
      'invited',
    ]);
    const reuse = await t.call({
      method: 'POST',
      url: '/v1/conferences',
      payload: { hostMsisdn: E.zhang, pin: '8888' },
    });
    expect(reuse.statusCode).toBe(201);
    await advance(2 * 3600);
    expect((await getConference(t, later.id)).state).toBe('ended');
  });
});

describe('scheduled conferences under the real clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a timer starts it at startAt and ends it after its duration', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
    const app = await buildApp({ config: testConfig({ clock: 'real' }) });
    try {
      const call = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
        app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
          ...(payload ? { payload } : {}),
        });
      const group = await call('POST', '/v1/groups', {
        name: '实时钟公司',
        institutionType: 'enterprise',
        valueTier: 'A1',
        province: 'CN-HE',
      });
      const groupId = group.json().id;
      await call('POST', `/v1/groups/${groupId}/members`, { msisdn: '13803110001', name: '王明' });
      const created = await call('POST', '/v1/conferences', {
        hostMsisdn: '13803110001',
        startAt: iso(T0 + 60_000),
        durationMinutes: 2,
      });
      expect(created.json().state).toBe('scheduled');
      const id = created.json().id;
      await vi.advanceTimersByTimeAsync(59_000);
      expect((await call('GET', `/v1/conferences/${id}`)).json().state).toBe('scheduled');
      await vi.advanceTimersByTimeAsync(1_000);
      expect((await call('GET', `/v1/conferences/${id}`)).json()).toMatchObject({
        state: 'active',
        startedAt: iso(T0 + 60_000),
      });
      await vi.advanceTimersByTimeAsync(120_000);
      expect((await call('GET', `/v1/conferences/${id}`)).json()).toMatchObject({
        state: 'ended',
        endCause: 'duration_elapsed',
        endedAt: iso(T0 + 180_000),
      });
    } finally {
      await app.close();
    }
  });
});

describe('startAt range', () => {
  it('a startAt past 9999-01-01 in UTC is a 400 naming body.startAt, and creates nothing', async () => {
    const g = await conferenceGroup(t);
    const startAt = '9999-12-31T23:59:59-23:59';
    const res = await postConference(t, {
      hostMsisdn: E.wang,
      startAt,
      participants: [{ memberId: g.li.id }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'body.startAt' })]);
    expect((await t.call({ method: 'GET', url: '/v1/conferences' })).json().items).toEqual([]);
  });
});
