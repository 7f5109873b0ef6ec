import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import type { CallView } from '../calls/setup.js';
import {
  ACCESS_NUMBER,
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
  press,
} from './setup.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

/** 王 hosts, 李 and 张 joined; 刘 is in the group but not invited. */
async function room() {
  const g = await conferenceGroup(t);
  const c = await newConference(t, {
    hostMsisdn: E.wang,
    participants: [{ memberId: g.li.id }, { memberId: g.zhang.id }],
  });
  const host = await answer(t, c, E.wang);
  const li = await answer(t, c, E.li);
  const zhang = await answer(t, c, E.zhang);
  return { g, c, host: host.id, li: li.id, zhang: zhang.id };
}

const heard = async (callId: string) => (await getCall(t, callId)).events.at(-1)!;
const muted = (c: ConferenceView) => c.participants.map((p) => p.muted);

describe('GET /v1/conferences/keymap', () => {
  it('serves the key map of the contract', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/conferences/keymap' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((k: { keys: string; who: string }) => [k.keys, k.who])).toEqual([
      ['*6', 'anyone'],
      ['*8', 'anyone'],
      ['*1', 'host'],
      ['*2', 'host'],
      ['*3', 'host'],
      ['*4', 'host'],
      ['*5<number>#', 'host'],
      ['*9', 'host'],
    ]);
  });
});

describe('handset keys on a joined leg', () => {
  it('*6 mutes and unmutes yourself, for anyone, heard on your leg', async () => {
    const r = await room();
    await press(t, r.li, '*6');
    expect(muted(await getConference(t, r.c.id))).toEqual([false, true, false]);
    expect(await heard(r.li)).toMatchObject({ type: 'announcement', reason: 'muted', keys: '*6' });
    await press(t, r.li, '*6');
    expect(muted(await getConference(t, r.c.id))).toEqual([false, false, false]);
    expect(await heard(r.li)).toMatchObject({ type: 'announcement', reason: 'unmuted' });
    await press(t, r.host, '*6');
    expect(muted(await getConference(t, r.c.id))).toEqual([true, false, false]);
  });

  it('*8 tells how many are joined, as an event on the leg', async () => {
    const r = await room();
    await press(t, r.zhang, '*8');
    expect(await heard(r.zhang)).toMatchObject({
      type: 'joined_count',
      joinedCount: 3,
      text: expect.stringContaining('3'),
    });
  });

  it('*1 mutes all but the host, *2 unmutes everyone', async () => {
    const r = await room();
    await press(t, r.host, '*6'); // the host mutes itself first: *1 leaves the host as it is
    await press(t, r.host, '*1');
    expect(muted(await getConference(t, r.c.id))).toEqual([true, true, true]);
    expect(await heard(r.li)).toMatchObject({ reason: 'muted_all' });
    await press(t, r.host, '*2');
    expect(muted(await getConference(t, r.c.id))).toEqual([false, false, false]);
    expect(await heard(r.host)).toMatchObject({ reason: 'unmuted_all' });
    const log = (await events(t, r.c.id)).map((e) => [e.type, e.by]);
    expect(log).toContainEqual(['muted_all', 'host_keys']);
    expect(log).toContainEqual(['unmuted_all', 'host_keys']);
  });

  it('*3 locks (a dial-in hears why and is ended, an add is a 409), *4 unlocks', async () => {
    const r = await room();
    await press(t, r.host, '*3');
    let c = await getConference(t, r.c.id);
    expect(c.locked).toBe(true);
    expect(await heard(r.li)).toMatchObject({ reason: 'locked' });
    const refused = await dialIn(t, E.liu, c.pin);
    expect(refused.state).toBe('ended');
    expect(refused.events.at(-2)).toMatchObject({
      type: 'announcement',
      text: expect.stringContaining('locked'),
    });
    expect(refused.events.at(-1)).toMatchObject({ cause: 'conference_locked' });
    const add = await t.call({
      method: 'POST',
      url: `/v1/conferences/${r.c.id}/participants`,
      payload: { msisdn: E.liu },
    });
    expect(add.statusCode).toBe(409);
    expect(add.json().code).toBe('conference_locked');
    await press(t, r.host, '*4');
    c = await getConference(t, r.c.id);
    expect(c.locked).toBe(false);
    expect((await dialIn(t, E.liu, c.pin)).state).toBe('connected');
    expect((await getConference(t, r.c.id)).joinedCount).toBe(4);
  });

  it('*5 number # dials out and adds (keys may come in pieces); the new leg joins on answer', async () => {
    const r = await room();
    await press(t, r.host, '*5');
    await press(t, r.host, '1380311');
    let c = await getConference(t, r.c.id);
    expect(c.participants).toHaveLength(3);
    await press(t, r.host, '0004#');
    expect(await heard(r.host)).toMatchObject({ reason: 'dialling', text: expect.stringContaining(E.liu) });
    c = await getConference(t, r.c.id);
    expect(byMsisdn(c, E.liu)).toMatchObject({ state: 'dialing', role: 'participant', name: '刘强' });
    const leg = await getCall(t, byMsisdn(c, E.liu).callId!);
    expect(leg).toMatchObject({ state: 'ringing', callType: 'conference_dialout', from: ACCESS_NUMBER });
    await answer(t, c, E.liu);
    expect((await getConference(t, r.c.id)).joinedCount).toBe(4);
    // A number that cannot be dialled is announced, nothing is added.
    await press(t, r.host, '*5123#');
    expect(await heard(r.host)).toMatchObject({ reason: 'invalid_number' });
    // Someone already in: announced.
    await press(t, r.host, `*5${'13803110002'}#`);
    expect(await heard(r.host)).toMatchObject({ reason: 'already_participant' });
  });

  it('*5 on a full or locked room is announced to the host and adds nobody', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      maxParticipants: 2,
      participants: [{ memberId: g.li.id }],
    });
    const host = await answer(t, c, E.wang);
    await answer(t, c, E.li);
    await press(t, host.id, '*513803110004#');
    expect(await heard(host.id)).toMatchObject({ reason: 'conference_full' });
    await press(t, host.id, '*3*513803110004#');
    expect(await heard(host.id)).toMatchObject({ reason: 'conference_locked' });
    expect((await getConference(t, c.id)).participants).toHaveLength(2);
  });

  it('*9 ends the conference for everyone', async () => {
    const r = await room();
    const hostLeg = await press(t, r.host, '*9');
    expect(hostLeg.state).toBe('ended');
    const c = await getConference(t, r.c.id);
    expect(c).toMatchObject({ state: 'ended', endCause: 'ended_by_host' });
    for (const id of [r.li, r.zhang]) expect((await getCall(t, id)).state).toBe('ended');
  });

  it('a host key pressed by a participant changes nothing and adds key_refused to that leg', async () => {
    const r = await room();
    const before = await getConference(t, r.c.id);
    const hostKeys = ['*1', '*2', '*3', '*4', '*513803110004#', '*9'];
    for (const keys of hostKeys) {
      const leg: CallView = await press(t, r.li, keys);
      expect(leg.state).toBe('connected');
      expect(leg.events.at(-1)).toMatchObject({
        type: 'key_refused',
        keys,
        text: expect.stringContaining('host'),
      });
    }
    const after = await getConference(t, r.c.id);
    expect(after).toEqual(before);
    const refusals = (await events(t, r.c.id)).filter((e) => e.type === 'key_refused');
    expect(refusals.map((e) => e.keys)).toEqual(hostKeys);
    // Nobody else heard anything.
    expect((await getCall(t, r.zhang)).events.at(-1)).toMatchObject({
      type: 'announcement',
      reason: 'joined',
    });
  });

  it('unknown keys are announced as such; keys before a * are ignored', async () => {
    const r = await room();
    await press(t, r.li, '*7');
    expect(await heard(r.li)).toMatchObject({ reason: 'unknown_key', keys: '*7' });
    const leg = await press(t, r.li, '12');
    expect(leg.events.at(-1)).toMatchObject({ type: 'dtmf', digits: '12' });
  });

  it('after the end every leg is ended (a hangup is a 409 naming the state) and control is a 409', async () => {
    const r = await room();
    await conferenceAction(t, r.c.id, 'end');
    expect((await getCall(t, r.li)).state).toBe('ended');
    const hangup = await t.call({
      method: 'POST',
      url: `/v1/calls/${r.host}/actions`,
      payload: { action: 'hangup' },
    });
    expect(hangup.statusCode).toBe(409);
    expect(hangup.json().code).toBe('call_action_not_allowed');
    const lock = await conferenceAction(t, r.c.id, 'lock');
    expect(lock.statusCode).toBe(409);
    expect(lock.json().code).toBe('conference_ended');
  });
});
