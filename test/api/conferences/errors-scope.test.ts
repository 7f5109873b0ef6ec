import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGroup,
  createPartnerKey,
  createTestApp,
  HEBEI_ENTERPRISE,
  type TestApp,
} from '../../helpers/app.js';
import { addMember, NUMBERS, problem } from '../vpn/fixtures.js';
import {
  answer,
  byMsisdn,
  type ConferenceView,
  conferenceAction,
  conferenceGroup,
  E,
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

type Req = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: Record<string, unknown> };
const send = (r: Req, key?: string) => t.call({ ...r, ...(key === undefined ? {} : { key }) });

async function running() {
  const g = await conferenceGroup(t);
  const c = await newConference(t, { hostMsisdn: E.wang, participants: [{ memberId: g.li.id }] });
  return { g, c, liId: byMsisdn(c, E.li).id, hostId: byMsisdn(c, E.wang).id };
}

describe('POST /v1/conferences: validation (400)', () => {
  it.each([
    [{}, 'body.hostMsisdn'],
    [{ hostMsisdn: '01012345678' }, 'body.hostMsisdn'],
    [{ hostMsisdn: E.wang, pin: '12a4' }, 'body.pin'],
    [{ hostMsisdn: E.wang, pin: '123' }, 'body.pin'],
    [{ hostMsisdn: E.wang, pin: '123456789' }, 'body.pin'],
    [{ hostMsisdn: E.wang, participants: [{}] }, 'body.participants.0'],
    [{ hostMsisdn: E.wang, participants: [{ msisdn: E.li, memberId: 'mem_x' }] }, 'body.participants.0'],
    [{ hostMsisdn: E.wang, participants: [{ msisdn: 'abc' }] }, 'body.participants.0.msisdn'],
    [{ hostMsisdn: E.wang, maxParticipants: 1 }, 'body.maxParticipants'],
    [{ hostMsisdn: E.wang, maxParticipants: 2.5 }, 'body.maxParticipants'],
    [{ hostMsisdn: E.wang, durationMinutes: 0 }, 'body.durationMinutes'],
    [{ hostMsisdn: E.wang, startAt: 'tomorrow' }, 'body.startAt'],
    [{ hostMsisdn: E.wang, endWhenHostLeaves: 'yes' }, 'body.endWhenHostLeaves'],
    [{ hostMsisdn: E.wang, title: '' }, 'body.title'],
  ])('%j → 400 naming %s', async (payload, field) => {
    const res = await postConference(t, payload);
    expect(problem(res)).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(field);
  });
});

describe('POST /v1/conferences: domain rules', () => {
  it('an unknown group is a 404', async () => {
    expect(problem(await postConference(t, { hostMsisdn: E.wang, groupId: 'grp_nope' }))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it('a PIN of a conference not yet ended is a 409 pin_taken', async () => {
    await conferenceGroup(t);
    await newConference(t, { hostMsisdn: E.wang, pin: '4321' });
    const res = await postConference(t, { hostMsisdn: E.li, pin: '4321' });
    expect(problem(res)).toMatchObject({ status: 409, code: 'pin_taken', errors: [{ path: 'body.pin' }] });
  });

  it.each([
    ['a member of another group', 'unknown_member', 'body.participants.0.memberId'],
    ['an unknown contact', 'unknown_contact', 'body.participants.0.contactId'],
    ['the host listed again', 'duplicate_participant', 'body.participants.0'],
    ['the same number twice', 'duplicate_participant', 'body.participants.1'],
    ['a host of another group', 'host_outside_group', 'body.groupId'],
  ])('%s is a 422 %s', async (what, code, path) => {
    const g = await conferenceGroup(t);
    const other = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '别的公司' });
    const stranger = await addMember(t, other, NUMBERS.other);
    const payloads: Record<string, Record<string, unknown>> = {
      'a member of another group': { hostMsisdn: E.wang, participants: [{ memberId: stranger.id }] },
      'an unknown contact': { hostMsisdn: E.wang, participants: [{ contactId: 'ctc_nope' }] },
      'the host listed again': { hostMsisdn: E.wang, participants: [{ msisdn: '13803110001' }] },
      'the same number twice': {
        hostMsisdn: E.wang,
        participants: [{ memberId: g.li.id }, { msisdn: E.li }],
      },
      'a host of another group': { hostMsisdn: E.other, groupId: g.groupId },
    };
    const res = await postConference(t, payloads[what]!);
    expect(problem(res)).toMatchObject({ status: 422, code, errors: [{ path }] });
  });

  it('a host outside every group may name a group to bill, or none', async () => {
    const g = await conferenceGroup(t);
    const billed = await newConference(t, { hostMsisdn: E.stranger, groupId: g.groupId });
    expect(billed.groupId).toBe(g.groupId);
    const personal = await newConference(t, { hostMsisdn: '13312345699' });
    expect(personal.groupId).toBeNull();
  });
});

describe('Idempotency-Key on POST /v1/conferences', () => {
  it('a retry returns the first conference and creates nothing; another body with the key is a 409', async () => {
    const g = await conferenceGroup(t);
    const body = { hostMsisdn: E.wang, participants: [{ memberId: g.li.id }] };
    const headers = { 'idempotency-key': 'conf-1' };
    const first = await postConference(t, body, undefined, headers);
    const retry = await postConference(t, body, undefined, headers);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    const list = (await t.call({ method: 'GET', url: '/v1/conferences' })).json();
    expect(list.items).toHaveLength(1);
    const calls = (await t.call({ method: 'GET', url: '/v1/calls' })).json();
    expect(calls.items).toHaveLength(2);
    const other = await postConference(t, { ...body, title: '另一个' }, undefined, headers);
    expect(problem(other)).toMatchObject({ status: 409, code: 'idempotency_key_reused' });
  });
});

describe('every route: 400, 404, 409, 422', () => {
  it('GET /v1/conferences/{id} and its events: 404 unknown; events 400 on a foreign cursor', async () => {
    const { c } = await running();
    expect(problem(await send({ method: 'GET', url: '/v1/conferences/conf_nope' })).status).toBe(404);
    expect(problem(await send({ method: 'GET', url: '/v1/conferences/conf_nope/events' })).status).toBe(404);
    const bad = await send({ method: 'GET', url: `/v1/conferences/${c.id}/events?cursor=abc` });
    expect(problem(bad)).toMatchObject({ status: 400, errors: [{ path: 'query.cursor' }] });
    const page = (await send({ method: 'GET', url: `/v1/conferences/${c.id}/events?limit=2` })).json();
    expect(page.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    const next = (
      await send({ method: 'GET', url: `/v1/conferences/${c.id}/events?limit=2&cursor=${page.nextCursor}` })
    ).json();
    expect(next.items[0].seq).toBe(3);
  });

  it('GET /v1/conferences: 400 bad filters, pagination by cursor', async () => {
    const { g } = await running();
    await newConference(t, { hostMsisdn: E.zhang });
    expect(problem(await send({ method: 'GET', url: '/v1/conferences?state=paused' })).status).toBe(400);
    expect(problem(await send({ method: 'GET', url: '/v1/conferences?limit=0' })).status).toBe(400);
    const first = (await send({ method: 'GET', url: `/v1/conferences?limit=1&groupId=${g.groupId}` })).json();
    expect(first.items).toHaveLength(1);
    const second = (
      await send({ method: 'GET', url: `/v1/conferences?limit=1&cursor=${first.nextCursor}` })
    ).json();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(second.items[0].id).not.toBe(first.items[0].id);
  });

  it('PATCH /v1/conferences/{id}: 400, 404, 409 ended', async () => {
    const { c } = await running();
    const patch = (id: string, payload: Record<string, unknown>) =>
      send({ method: 'PATCH', url: `/v1/conferences/${id}`, payload });
    expect(problem(await patch(c.id, { durationMinutes: 0 })).status).toBe(400);
    expect(problem(await patch(c.id, {})).status).toBe(400);
    expect(problem(await patch('conf_nope', { durationMinutes: 5 })).status).toBe(404);
    await conferenceAction(t, c.id, 'end');
    expect(problem(await patch(c.id, { durationMinutes: 5 }))).toMatchObject({
      status: 409,
      code: 'conference_ended',
    });
  });

  it('POST …/participants: 400, 404, 409 already there or ended, 422 unknown member', async () => {
    const { c } = await running();
    const add = (id: string, payload: Record<string, unknown>) =>
      send({ method: 'POST', url: `/v1/conferences/${id}/participants`, payload });
    expect(problem(await add(c.id, {})).status).toBe(400);
    expect(problem(await add(c.id, { msisdn: '12' })).status).toBe(400);
    expect(problem(await add('conf_nope', { msisdn: E.zhang })).status).toBe(404);
    expect(problem(await add(c.id, { msisdn: E.li }))).toMatchObject({
      status: 409,
      code: 'already_participant',
    });
    expect(problem(await add(c.id, { memberId: 'mem_nope' }))).toMatchObject({
      status: 422,
      code: 'unknown_member',
    });
    await conferenceAction(t, c.id, 'end');
    expect(problem(await add(c.id, { msisdn: E.zhang }))).toMatchObject({
      status: 409,
      code: 'conference_ended',
    });
  });

  it('PATCH …/participants/{id}: mutes with an announcement on the leg; 400, 404, 409 ended', async () => {
    const { c, liId } = await running();
    const li = await answer(t, c, E.li);
    const patch = (id: string, pid: string, payload: Record<string, unknown>) =>
      send({ method: 'PATCH', url: `/v1/conferences/${id}/participants/${pid}`, payload });
    const muted = await patch(c.id, liId, { muted: true });
    expect(muted.statusCode).toBe(200);
    expect(muted.json()).toMatchObject({ id: liId, muted: true, state: 'joined' });
    expect((await getCall(t, li.id)).events.at(-1)).toMatchObject({
      type: 'announcement',
      reason: 'muted',
      conferenceId: c.id,
      text: expect.stringContaining('muted'),
    });
    const unmuted = await patch(c.id, liId, { muted: false });
    expect(unmuted.json().muted).toBe(false);
    expect((await getCall(t, li.id)).events.at(-1)).toMatchObject({ reason: 'unmuted' });
    expect(problem(await patch(c.id, liId, { muted: 'yes' })).status).toBe(400);
    expect(problem(await patch(c.id, 'cpt_nope', { muted: true })).status).toBe(404);
    expect(problem(await patch('conf_nope', liId, { muted: true })).status).toBe(404);
    await conferenceAction(t, c.id, 'end');
    expect(problem(await patch(c.id, liId, { muted: true }))).toMatchObject({
      status: 409,
      code: 'conference_ended',
    });
  });

  it('DELETE …/participants/{id}: kicks (the leg hears it and ends, twice changes nothing); 404; 422 host; 409 ended', async () => {
    const { c, liId, hostId } = await running();
    await answer(t, c, E.wang);
    const li = await answer(t, c, E.li);
    const kick = (id: string, pid: string) =>
      send({ method: 'DELETE', url: `/v1/conferences/${id}/participants/${pid}` });
    const kicked = await kick(c.id, liId);
    expect(kicked.statusCode).toBe(200);
    expect(kicked.json()).toMatchObject({ state: 'kicked', cause: 'kicked', leftAt: expect.any(String) });
    const leg = await getCall(t, li.id);
    expect(leg.state).toBe('ended');
    expect(leg.events.slice(-3).map((e) => e.type)).toEqual(['announcement', 'dropped', 'ended']);
    expect(leg.events.at(-3)).toMatchObject({ text: expect.stringContaining('removed') });
    expect((await kick(c.id, liId)).json().state).toBe('kicked');
    expect((await getConference(t, c.id)).joinedCount).toBe(1);
    expect(problem(await kick(c.id, hostId))).toMatchObject({ status: 422, code: 'host_cannot_be_removed' });
    expect(problem(await kick(c.id, 'cpt_nope')).status).toBe(404);
    expect(problem(await kick('conf_nope', liId)).status).toBe(404);
    await conferenceAction(t, c.id, 'end');
    expect(problem(await kick(c.id, liId))).toMatchObject({ status: 409, code: 'conference_ended' });
  });

  it('POST …/actions: 400 unknown action, 404; end is idempotent, other actions on an ended one 409', async () => {
    const { c } = await running();
    await answer(t, c, E.wang);
    expect(problem(await conferenceAction(t, c.id, 'explode')).status).toBe(400);
    expect(problem(await conferenceAction(t, 'conf_nope', 'end')).status).toBe(404);
    const ended = await conferenceAction(t, c.id, 'end');
    expect(ended.statusCode).toBe(200);
    t.clock.advanceTo(t.clock.now() + 60_000);
    const again = await conferenceAction(t, c.id, 'end');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(ended.json());
    for (const action of ['mute_all', 'unmute_all', 'lock', 'unlock']) {
      expect(problem(await conferenceAction(t, c.id, action))).toMatchObject({
        status: 409,
        code: 'conference_ended',
      });
    }
  });

  it('mute_all and unmute_all through the API are announced on the affected joined legs', async () => {
    const { c } = await running();
    const host = await answer(t, c, E.wang);
    const li = await answer(t, c, E.li);
    const res = await conferenceAction(t, c.id, 'mute_all');
    expect(res.json().participants.map((p: { muted: boolean }) => p.muted)).toEqual([false, true]);
    expect((await getCall(t, li.id)).events.at(-1)).toMatchObject({ reason: 'muted_all' });
    expect((await getCall(t, host.id)).events.at(-1)).toMatchObject({
      type: 'announcement',
      reason: 'joined',
    });
    await conferenceAction(t, c.id, 'unmute_all');
    expect((await getCall(t, li.id)).events.at(-1)).toMatchObject({ reason: 'unmuted_all' });
  });
});

describe('partner scope', () => {
  async function twoGroups() {
    const mine = await conferenceGroup(t);
    const theirs = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '别的公司' });
    await addMember(t, theirs, NUMBERS.other, { name: '赵六' });
    const key = await createPartnerKey(t, [mine.groupId]);
    return { mine, theirs, key };
  }

  it('a new conference outside its groups is a 403; one where a participant is in them is fine', async () => {
    const { mine, theirs, key } = await twoGroups();
    const outside = await postConference(
      t,
      { hostMsisdn: E.other, participants: [{ msisdn: E.stranger }] },
      key,
    );
    expect(problem(outside)).toMatchObject({ status: 403, code: 'out_of_scope' });
    const billedElsewhere = await postConference(t, { hostMsisdn: E.other, groupId: theirs }, key);
    expect(problem(billedElsewhere).status).toBe(404);
    const inside = await postConference(t, { hostMsisdn: E.stranger, participants: [{ msisdn: E.li }] }, key);
    expect(inside.statusCode).toBe(201);
    expect(inside.json().groupId).toBeNull();
    expect((await getConference(t, inside.json().id, key)).id).toBe(inside.json().id);
    expect(mine.groupId).toBeDefined();
  });

  it('an existing conference outside its groups is a 404 on every route; lists show only its own', async () => {
    const { mine, theirs, key } = await twoGroups();
    const foreign: ConferenceView = await newConference(t, {
      hostMsisdn: E.other,
      participants: [{ msisdn: E.stranger }],
    });
    const own = await newConference(t, { hostMsisdn: E.wang, participants: [{ memberId: mine.li.id }] });
    const pid = foreign.participants[1]!.id;
    const routes: Req[] = [
      { method: 'GET', url: `/v1/conferences/${foreign.id}` },
      { method: 'GET', url: `/v1/conferences/${foreign.id}/events` },
      { method: 'PATCH', url: `/v1/conferences/${foreign.id}`, payload: { durationMinutes: 30 } },
      { method: 'POST', url: `/v1/conferences/${foreign.id}/participants`, payload: { msisdn: E.li } },
      { method: 'PATCH', url: `/v1/conferences/${foreign.id}/participants/${pid}`, payload: { muted: true } },
      { method: 'DELETE', url: `/v1/conferences/${foreign.id}/participants/${pid}` },
      { method: 'POST', url: `/v1/conferences/${foreign.id}/actions`, payload: { action: 'end' } },
    ];
    for (const r of routes) expect(problem(await send(r, key)).status, `${r.method} ${r.url}`).toBe(404);
    const listed = (await send({ method: 'GET', url: '/v1/conferences' }, key)).json();
    expect(listed.items.map((c: { id: string }) => c.id)).toEqual([own.id]);
    expect(problem(await send({ method: 'GET', url: `/v1/conferences?groupId=${theirs}` }, key)).status).toBe(
      404,
    );
    expect((await getConference(t, foreign.id)).state).toBe('active'); // untouched
    // The key map is for anyone with a key.
    expect((await send({ method: 'GET', url: '/v1/conferences/keymap' }, key)).statusCode).toBe(200);
    expect(
      (await send({ method: 'GET', url: '/v1/conferences/keymap' }, null as unknown as string)).statusCode,
    ).toBe(401);
  });
});
