import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, T0, type TestApp } from '../../helpers/app.js';
import { cdrsOf, iso, step, types } from '../calls/setup.js';
import {
  ACCESS_NUMBER,
  answer,
  byMsisdn,
  conferenceGroup,
  dialIn,
  E,
  events,
  getCall,
  getConference,
  newConference,
  press,
} from './setup.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const at = (seconds: number) => t.clock.advanceTo(T0 + seconds * 1000);

describe('the product flow, end to end', () => {
  it('create, dial-out, one answers, one is busy and dials in from the SMS, host mutes all (*1), ends (*9); history and charge', async () => {
    const g = await conferenceGroup(t);

    // 1. 王明 opens an instant conference with 李华 (from the group book) and 张兰 (typed in).
    const created = await newConference(t, {
      hostMsisdn: '138 0311 0001',
      title: '周例会',
      participants: [{ memberId: g.li.id }, { msisdn: '13803110003' }],
    });
    expect(created).toMatchObject({
      state: 'active',
      groupId: g.groupId,
      accessNumber: ACCESS_NUMBER,
      hostMsisdn: E.wang,
      maxParticipants: 10,
      locked: false,
      joinedCount: 0,
      startedAt: iso(T0),
    });
    expect(created.pin).toMatch(/^\d{6}$/);
    expect(created.participants.map((p) => [p.msisdn, p.role, p.state])).toEqual([
      [E.wang, 'host', 'dialing'],
      [E.li, 'participant', 'dialing'],
      [E.zhang, 'participant', 'dialing'],
    ]);

    // 2. The platform dialled everyone: each leg a call that rings (joins only on answer).
    for (const p of created.participants) {
      const leg = await getCall(t, p.callId!);
      expect(leg).toMatchObject({
        state: 'ringing',
        callType: 'conference_dialout',
        from: ACCESS_NUMBER,
        to: p.msisdn,
      });
      expect(leg).toMatchObject({ conferenceId: created.id });
    }

    // 3. The host answers at +10 s, 李华 at +20 s; 张兰 is busy at +30 s.
    at(10);
    await answer(t, created, E.wang);
    at(20);
    const liLeg = await answer(t, created, E.li);
    expect(liLeg.state).toBe('connected');
    expect(liLeg.events.at(-1)).toMatchObject({
      type: 'announcement',
      text: expect.stringContaining('joined'),
    });
    at(30);
    await step(t, byMsisdn(created, E.zhang).callId!, { action: 'busy' });
    let room = await getConference(t, created.id);
    expect(room.joinedCount).toBe(2);
    expect(byMsisdn(room, E.zhang)).toMatchObject({ state: 'busy', cause: 'busy' });

    // 4. 张兰 got the SMS with the access number and the PIN.
    const inbox = (await t.call({ method: 'GET', url: '/v1/messages?to=13803110003' })).json().items;
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ kind: 'notice', from: ACCESS_NUMBER, at: iso(T0 + 30_000) });
    const pin = /密码(\d+)/.exec(inbox[0].text)?.[1];
    expect(pin).toBe(created.pin);
    expect(inbox[0].text).toContain(ACCESS_NUMBER);
    expect(inbox[0].text).toContain('周例会');

    // 5. She dials in at +60 s with the PIN from it: she joins as the same participant.
    at(60);
    const zhangLeg = await dialIn(t, '13803110003', pin!);
    expect(zhangLeg).toMatchObject({
      state: 'connected',
      callType: 'conference_dialin',
      conferenceId: created.id,
    });
    room = await getConference(t, created.id);
    expect(room.joinedCount).toBe(3);
    expect(byMsisdn(room, E.zhang)).toMatchObject({
      state: 'joined',
      callId: zhangLeg.id,
      joinedAt: iso(T0 + 60_000),
    });
    expect(room.participants).toHaveLength(3);

    // 6. The host mutes everyone but the host with *1: the others hear it.
    at(120);
    const hostLeg = room.participants[0]!.callId!;
    await press(t, hostLeg, '*1');
    room = await getConference(t, created.id);
    expect(room.participants.map((p) => p.muted)).toEqual([false, true, true]);
    for (const callId of [liLeg.id, zhangLeg.id]) {
      expect((await getCall(t, callId)).events.at(-1)).toMatchObject({
        type: 'announcement',
        reason: 'muted_all',
        text: expect.stringContaining('muted everyone'),
      });
    }

    // 7. The host ends it with *9 at +180 s: every leg hears it and is ended.
    at(180);
    const ended = await press(t, hostLeg, '*9');
    expect(ended.state).toBe('ended');
    for (const callId of [hostLeg, liLeg.id, zhangLeg.id]) {
      const leg = await getCall(t, callId);
      expect(leg.state).toBe('ended');
      expect(leg.events.at(-1)).toMatchObject({ type: 'ended', cause: 'conference_ended' });
    }

    // 8. History: every stay's times and the charge (started minutes per participant × 10 fen).
    const history = await getConference(t, created.id);
    expect(history).toMatchObject({
      state: 'ended',
      endCause: 'ended_by_host',
      endedAt: iso(T0 + 180_000),
      joinedCount: 0,
      participantMinutes: 3 + 3 + 2,
      chargeFen: 80,
    });
    expect(history.participants.map((p) => [p.state, p.joinedAt, p.leftAt, p.minutes])).toEqual([
      ['left', iso(T0 + 10_000), iso(T0 + 180_000), 3],
      ['left', iso(T0 + 20_000), iso(T0 + 180_000), 3],
      ['left', iso(T0 + 60_000), iso(T0 + 180_000), 2],
    ]);
    expect(byMsisdn(history, E.zhang).legs).toEqual([
      { callId: zhangLeg.id, joinedAt: iso(T0 + 60_000), leftAt: iso(T0 + 180_000) },
    ]);
    const log = (await events(t, created.id)).map((e) => e.type);
    expect(log).toEqual([
      'created',
      'started',
      'dialing',
      'dialing',
      'dialing',
      'joined',
      'joined',
      'busy',
      'sms_sent',
      'joined',
      'muted_all',
      'left',
      'left',
      'left',
      'ended',
    ]);
    const listed = (
      await t.call({ method: 'GET', url: `/v1/conferences?state=ended&groupId=${g.groupId}` })
    ).json();
    expect(listed.items.map((c: { id: string }) => c.id)).toEqual([created.id]);

    // 9. Billing: the host's group pays; the legs themselves are free CDRs.
    expect(await t.app.services.conferences.usageOf(g.groupId, T0, T0 + 86_400_000)).toEqual({
      conferences: 1,
      participantMinutes: 8,
      chargeFen: 80,
    });
    expect(
      (await t.app.services.conferences.usageOf(g.groupId, T0 + 180_001, T0 + 86_400_000)).conferences,
    ).toBe(0);
    const cdrs = await cdrsOf(t, `?groupId=${g.groupId}`);
    expect(cdrs).toHaveLength(4);
    expect(cdrs.every((c) => c.chargeFen === 0 && c.tariffClass === 'conference')).toBe(true);
  });

  it('subscriber behaviours drive the legs by themselves: answer at once, busy after 5 s under the clock', async () => {
    const g = await conferenceGroup(t);
    await t.call({ method: 'PUT', url: `/v1/sim/subscribers/${E.wang}`, payload: { behaviour: 'answer' } });
    await t.call({
      method: 'PUT',
      url: `/v1/sim/subscribers/${E.li}`,
      payload: { behaviour: 'answer', afterSeconds: 3 },
    });
    await t.call({
      method: 'PUT',
      url: `/v1/sim/subscribers/${E.zhang}`,
      payload: { behaviour: 'busy', afterSeconds: 5 },
    });
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      participants: [{ memberId: g.li.id }, { memberId: g.zhang.id }],
    });
    expect(c.joinedCount).toBe(1);
    expect(c.participants.map((p) => p.state)).toEqual(['joined', 'dialing', 'dialing']);
    const moved = await t.call({ method: 'POST', url: '/v1/sim/clock', payload: { advanceSeconds: 5 } });
    expect(moved.statusCode).toBe(200);
    const room = await getConference(t, c.id);
    expect(room.participants.map((p) => [p.state, p.joinedAt])).toEqual([
      ['joined', iso(T0)],
      ['joined', iso(T0 + 3_000)],
      ['busy', null],
    ]);
    const sms = (await t.call({ method: 'GET', url: `/v1/messages?to=${E.zhang}` })).json().items;
    expect(sms[0].text).toContain(c.pin);
  });

  it('a participant who hangs up leaves; the last one leaving ends the conference', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, { hostMsisdn: E.wang, participants: [{ memberId: g.li.id }] });
    const host = await answer(t, c, E.wang);
    at(30);
    const li = await answer(t, c, E.li);
    at(45);
    await step(t, li.id, { action: 'hangup' });
    let room = await getConference(t, c.id);
    expect(room).toMatchObject({ state: 'active', joinedCount: 1 });
    expect(byMsisdn(room, E.li)).toMatchObject({ state: 'left', cause: 'hangup', leftAt: iso(T0 + 45_000) });
    at(61);
    await step(t, host.id, { action: 'hangup' });
    room = await getConference(t, c.id);
    expect(room).toMatchObject({
      state: 'ended',
      endCause: 'last_participant_left',
      participantMinutes: 3,
      chargeFen: 30,
    });
  });

  it('endWhenHostLeaves: the host hanging up ends it for everyone', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      endWhenHostLeaves: true,
      participants: [{ memberId: g.li.id }, { memberId: g.zhang.id }],
    });
    const host = await answer(t, c, E.wang);
    const li = await answer(t, c, E.li);
    await step(t, host.id, { action: 'hangup' });
    const room = await getConference(t, c.id);
    expect(room).toMatchObject({ state: 'ended', endCause: 'host_left' });
    expect((await getCall(t, li.id)).state).toBe('ended');
    // 张兰 was still ringing: her leg is dropped too.
    expect(byMsisdn(room, E.zhang)).toMatchObject({ state: 'no_answer', cause: 'conference_ended' });
    expect(types(await getCall(t, byMsisdn(room, E.zhang).callId!))).toContain('dropped');
  });

  it('three wrong PINs end a dial-in; a right PIN after a wrong one joins', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      pin: '2468',
      participants: [{ memberId: g.li.id }],
    });
    const res = await t.call({
      method: 'POST',
      url: '/v1/calls',
      payload: { from: E.chen, to: ACCESS_NUMBER },
    });
    const callId = res.json().id;
    for (const digits of ['1111#', '2222#'])
      expect((await step(t, callId, { action: 'dtmf', digits })).state).toBe('in_ivr');
    const third = await step(t, callId, { action: 'dtmf', digits: '3333#' });
    expect(third).toMatchObject({ state: 'ended' });
    expect(third.events.at(-1)).toMatchObject({ cause: 'wrong_pin' });
    const again = (
      await t.call({ method: 'POST', url: '/v1/calls', payload: { from: E.chen, to: ACCESS_NUMBER } })
    ).json();
    await step(t, again.id, { action: 'dtmf', digits: '9999#' });
    const joined = await step(t, again.id, { action: 'dtmf', digits: '2468#' });
    expect(joined.state).toBe('connected');
    const room = await getConference(t, c.id);
    expect(byMsisdn(room, E.chen)).toMatchObject({ role: 'participant', state: 'joined', name: '陈静' });
  });
});
