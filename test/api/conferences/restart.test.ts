import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, T0, type TestApp } from '../../helpers/app.js';
import { iso, step } from '../calls/setup.js';
import {
  answer,
  byMsisdn,
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
let dataDir: string;
beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'conference-restart-'));
  t = await createTestApp({ dataDir });
});
afterEach(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('restart in the middle of a conference', () => {
  it('keeps the room (same participants, legs, lock, mutes, PIN), keys still work, scheduled work re-armed, end works', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      pin: '135790',
      participants: [{ memberId: g.li.id }, { memberId: g.zhang.id }, { memberId: g.liu.id }],
    });
    const host = await answer(t, c, E.wang);
    t.clock.advanceTo(T0 + 10_000);
    const li = await answer(t, c, E.li);
    await step(t, byMsisdn(c, E.zhang).callId!, { action: 'busy' });
    await conferenceAction(t, c.id, 'lock');
    const liId = byMsisdn(c, E.li).id;
    await t.call({
      method: 'PATCH',
      url: `/v1/conferences/${c.id}/participants/${liId}`,
      payload: { muted: true },
    });
    const later = await newConference(t, {
      hostMsisdn: E.chen,
      startAt: iso(T0 + 3_600_000),
      participants: [],
    });
    const before = await getConference(t, c.id);
    const eventCount = (await events(t, c.id)).length;
    // The mute was announced on 李's leg: an event appended to the call's log, its row untouched.
    const liLeg = await getCall(t, li.id);
    expect(liLeg.events.at(-1)).toMatchObject({ type: 'announcement', reason: 'muted' });
    await t.close();

    t = await createTestApp({ dataDir });
    t.clock.advanceTo(T0 + 60_000);
    const after = await getConference(t, c.id);
    expect(after).toEqual(before);
    expect(await getCall(t, li.id)).toEqual(liLeg);
    expect(after).toMatchObject({ state: 'active', joinedCount: 2, locked: true });
    expect(after.participants.map((p) => [p.msisdn, p.state, p.muted])).toEqual([
      [E.wang, 'joined', false],
      [E.li, 'joined', true],
      [E.zhang, 'busy', false],
      [E.liu, 'dialing', false],
    ]);
    const listed = (await t.call({ method: 'GET', url: '/v1/conferences?state=active' })).json();
    expect(listed.items.map((x: { id: string }) => x.id)).toEqual([c.id]);

    // Keys still work on the legs from before the restart.
    await press(t, li.id, '*8');
    expect((await getCall(t, li.id)).events.at(-1)).toMatchObject({ type: 'joined_count', joinedCount: 2 });
    await press(t, host.id, '*2*4');
    expect(await getConference(t, c.id)).toMatchObject({ locked: false });
    expect(byMsisdn(await getConference(t, c.id), E.li).muted).toBe(false);
    // The PIN still opens the room and is still taken.
    expect((await dialIn(t, E.zhang, '135790')).state).toBe('connected');
    const clash = await t.call({
      method: 'POST',
      url: '/v1/conferences',
      payload: { hostMsisdn: E.chen, pin: '135790' },
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().code).toBe('pin_taken');
    // The ringing leg still answers into the room.
    await answer(t, after, E.liu);
    expect((await getConference(t, c.id)).joinedCount).toBe(4);
    // The scheduled one still starts when the clock gets there.
    await t.call({ method: 'POST', url: '/v1/sim/clock', payload: { now: iso(T0 + 3_600_000) } });
    expect((await getConference(t, later.id)).state).toBe('active');

    // End works, and the history holds the stays from both sides of the restart.
    const ended = await conferenceAction(t, c.id, 'end');
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({
      state: 'ended',
      endCause: 'ended_by_api',
      endedAt: iso(T0 + 3_600_000),
    });
    expect(byMsisdn(ended.json(), E.li).legs).toEqual([
      { callId: li.id, joinedAt: iso(T0 + 10_000), leftAt: iso(T0 + 3_600_000) },
    ]);
    for (const id of [host.id, li.id]) expect((await getCall(t, id)).state).toBe('ended');
    const log = await events(t, c.id);
    expect(log.length).toBeGreaterThan(eventCount);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    await t.close();

    // And after another restart it is history, no longer live.
    t = await createTestApp({ dataDir });
    expect(await getConference(t, c.id)).toMatchObject({ state: 'ended', chargeFen: ended.json().chargeFen });
    expect((await t.call({ method: 'GET', url: '/v1/conferences?state=active' })).json().items).toHaveLength(
      1,
    );
  });

  it('a leg that ended without the room hearing it (a crash between the two commits) is closed at start', async () => {
    const g = await conferenceGroup(t);
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      participants: [{ memberId: g.li.id }, { memberId: g.zhang.id }],
    });
    await answer(t, c, E.wang);
    const li = await answer(t, c, E.li);
    await t.close();
    // What a crash right after the calls' commit leaves: 李's leg ended, the room not told;
    // 张's ringing leg ended busy likewise.
    const stored = await createTestApp({ dataDir });
    const end = async (callId: string, cause: string, atMs: number) => {
      const [row] = await stored.sql<{ document: string }>('SELECT document FROM calls WHERE id = ?', callId);
      const call = {
        ...JSON.parse(row!.document),
        state: 'ended',
        endedAtMs: atMs,
        lastAtMs: atMs,
        endCause: cause,
      };
      await stored.sql(
        "UPDATE calls SET state = 'ended', document = ?, version = version + 1 WHERE id = ?",
        JSON.stringify(call),
        callId,
      );
    };
    // Written behind the app's back: it loaded these calls at start and holds them in memory,
    // so it is closed without touching them (it writes nothing of its own on close).
    await end(li.id, 'hangup', T0 + 90_000);
    await end(byMsisdn(c, E.zhang).callId!, 'busy', T0 + 5_000);
    await stored.close();

    t = await createTestApp({ dataDir });
    const room = await getConference(t, c.id);
    expect(room).toMatchObject({ state: 'active', joinedCount: 1 });
    expect(byMsisdn(room, E.li)).toMatchObject({ state: 'left', leftAt: iso(T0 + 90_000) });
    expect(byMsisdn(room, E.zhang)).toMatchObject({ state: 'busy' });
    const sms = (await t.call({ method: 'GET', url: `/v1/messages?to=${E.zhang}` })).json().items;
    expect(sms).toHaveLength(1);
  });
});
