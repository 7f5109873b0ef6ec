import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { step } from '../calls/setup.js';
import {
  ACCESS_NUMBER,
  answer,
  byMsisdn,
  conferenceAction,
  conferenceGroup,
  dialIn,
  E,
  getCall,
  getConference,
  newConference,
} from './setup.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const addParticipant = (id: string, payload: Record<string, unknown>) =>
  t.call({ method: 'POST', url: `/v1/conferences/${id}/participants`, payload });

/** Numbers of people outside every group. */
const STRANGERS = ['13312345601', '13312345602', '13312345603', '13312345604', '13312345605', '13312345606'];

describe('the cap: joined legs never exceed maxParticipants (host included)', () => {
  it.each([
    ['李 then 张', [E.li, E.zhang]],
    ['张 then 李', [E.zhang, E.li]],
  ])(
    'two dial-out legs answer for the last seat (%s): the first joins, the second hears why and is ended',
    async (_, order) => {
      const g = await conferenceGroup(t);
      const c = await newConference(t, {
        hostMsisdn: E.wang,
        maxParticipants: 3,
        participants: [{ memberId: g.li.id }, { memberId: g.zhang.id }],
      });
      await answer(t, c, E.wang);
      expect((await dialIn(t, E.stranger, c.pin)).state).toBe('connected'); // takes a seat while they ring
      const first = await answer(t, c, order[0]!);
      const second = await answer(t, c, order[1]!);
      expect(first.state).toBe('connected');
      expect(second.state).toBe('ended');
      expect(second.events.slice(-4).map((e) => e.type)).toEqual([
        'answered',
        'announcement',
        'dropped',
        'ended',
      ]);
      expect(second.events.at(-3)).toMatchObject({ text: expect.stringContaining('full') });
      expect(second.events.at(-1)).toMatchObject({ cause: 'conference_full' });
      const room = await getConference(t, c.id);
      expect(room.joinedCount).toBe(3);
      expect(byMsisdn(room, order[0]!).state).toBe('joined');
      expect(byMsisdn(room, order[1]!)).toMatchObject({ state: 'refused', cause: 'full' });
    },
  );

  it('two dial-ins for the last seat at the same moment: exactly one wins', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      maxParticipants: 2,
      participants: [{ memberId: g.li.id }],
    });
    await answer(t, c, E.wang);
    await step(t, byMsisdn(c, E.li).callId!, { action: 'busy' });
    const place = async (from: string) =>
      (await t.call({ method: 'POST', url: '/v1/calls', payload: { from, to: ACCESS_NUMBER } })).json()
        .id as string;
    const [liCall, strangerCall] = [await place(E.li), await place(E.stranger)];
    const results = await Promise.all(
      [liCall, strangerCall].map((id) =>
        t.call({
          method: 'POST',
          url: `/v1/calls/${id}/actions`,
          payload: { action: 'dtmf', digits: `${c.pin}#` },
        }),
      ),
    );
    const states = results.map((r) => r.json().state).sort();
    expect(states).toEqual(['connected', 'ended']);
    const loser = results.map((r) => r.json()).find((call) => call.state === 'ended');
    expect(loser.events.at(-1)).toMatchObject({ cause: 'conference_full' });
    expect((await getConference(t, c.id)).joinedCount).toBe(2);
  });

  it('six dial-ins racing for two seats: two win, four hear it is full', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      maxParticipants: 3,
      participants: [{ memberId: g.li.id }],
    });
    await answer(t, c, E.wang);
    await step(t, byMsisdn(c, E.li).callId!, { action: 'reject' });
    const calls = await Promise.all(
      STRANGERS.map(
        async (from) =>
          (await t.call({ method: 'POST', url: '/v1/calls', payload: { from, to: ACCESS_NUMBER } })).json()
            .id,
      ),
    );
    const results = await Promise.all(
      calls.map((id) =>
        t.call({
          method: 'POST',
          url: `/v1/calls/${id}/actions`,
          payload: { action: 'dtmf', digits: `${c.pin}#` },
        }),
      ),
    );
    const states = results.map((r) => r.json().state);
    expect(states.filter((s) => s === 'connected')).toHaveLength(2);
    expect(states.filter((s) => s === 'ended')).toHaveLength(4);
    const room = await getConference(t, c.id);
    expect(room.joinedCount).toBe(3);
    expect(room.participants.filter((p) => p.state === 'joined')).toHaveLength(3);
  });

  it('one number added five times at once: one 201, four 409 already_participant', async () => {
    const c = await newConference(t, { hostMsisdn: E.wang, maxParticipants: 10, participants: [] });
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map(() => addParticipant(c.id, { msisdn: STRANGERS[0] })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json().code).toBe('already_participant');
    expect((await getConference(t, c.id)).participants).toHaveLength(2);
  });

  it('a further add when full is a 409 conference_full; a seat freed by a hang-up takes the next one', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      maxParticipants: 2,
      participants: [{ memberId: g.li.id }],
    });
    await answer(t, c, E.wang);
    const li = await answer(t, c, E.li);
    const full = await addParticipant(c.id, { msisdn: E.zhang });
    expect(full.statusCode).toBe(409);
    expect(full.json()).toMatchObject({ code: 'conference_full', status: 409 });
    expect((await dialIn(t, E.zhang, c.pin)).events.at(-1)).toMatchObject({ cause: 'conference_full' });
    await step(t, li.id, { action: 'hangup' });
    const added = await addParticipant(c.id, { msisdn: E.zhang });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ msisdn: E.zhang, state: 'dialing', role: 'participant' });
    await answer(t, await getConference(t, c.id), E.zhang);
    expect((await getConference(t, c.id)).joinedCount).toBe(2);
  });

  it('creating with more participants than the cap is a 422', async () => {
    const g = await conferenceGroup(t);
    const res = await t.call({
      method: 'POST',
      url: '/v1/conferences',
      payload: {
        hostMsisdn: E.wang,
        maxParticipants: 2,
        participants: [{ memberId: g.li.id }, { memberId: g.zhang.id }],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('too_many_participants');
  });

  it('the configured default cap applies when the creator names none', async () => {
    await t.close();
    t = await createTestApp({ conferenceMaxParticipants: 3 });
    const g = await conferenceGroup(t);
    const c = await newConference(t, { hostMsisdn: E.wang, participants: [{ memberId: g.li.id }] });
    expect(c.maxParticipants).toBe(3);
  });
});

describe('lock', () => {
  it('a locked room refuses a dial-in (heard, ended), an add (409) and a ringing leg that answers; the host still gets in', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, { hostMsisdn: E.wang, participants: [{ memberId: g.li.id }] });
    const locked = await conferenceAction(t, c.id, 'lock');
    expect(locked.statusCode).toBe(200);
    expect(locked.json().locked).toBe(true);
    const liLeg = await answer(t, c, E.li);
    expect(liLeg.state).toBe('ended');
    expect(liLeg.events.at(-1)).toMatchObject({ cause: 'conference_locked' });
    const host = await answer(t, c, E.wang);
    expect(host.state).toBe('connected');
    const dialled = await dialIn(t, E.zhang, c.pin);
    expect(dialled.state).toBe('ended');
    expect(dialled.events.at(-2)).toMatchObject({
      type: 'announcement',
      text: expect.stringContaining('locked'),
    });
    const add = await addParticipant(c.id, { msisdn: E.chen });
    expect(add.statusCode).toBe(409);
    expect(add.json().code).toBe('conference_locked');
    const room = await getConference(t, c.id);
    expect(room.joinedCount).toBe(1);
    expect(byMsisdn(room, E.li)).toMatchObject({ state: 'refused', cause: 'locked' });
  });

  it('lock and unlock through the API are announced on every joined leg; repeating one changes nothing', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, { hostMsisdn: E.wang, participants: [{ memberId: g.li.id }] });
    const host = await answer(t, c, E.wang);
    const li = await answer(t, c, E.li);
    await conferenceAction(t, c.id, 'lock');
    for (const id of [host.id, li.id]) {
      expect((await getCall(t, id)).events.at(-1)).toMatchObject({ type: 'announcement', reason: 'locked' });
    }
    const before = (await getCall(t, li.id)).events.length;
    await conferenceAction(t, c.id, 'lock');
    expect((await getCall(t, li.id)).events).toHaveLength(before);
    await conferenceAction(t, c.id, 'unlock');
    expect((await getCall(t, li.id)).events.at(-1)).toMatchObject({ reason: 'unlocked' });
    expect((await dialIn(t, E.zhang, c.pin)).state).toBe('connected');
  });
});
