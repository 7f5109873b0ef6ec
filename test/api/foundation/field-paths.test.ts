import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { conferenceGroup, E, postConference } from '../conferences/setup.js';
import { createTone, postPolicy } from '../ringback/setup.js';
import { NUMBERS } from '../vpn/fixtures.js';

/**
 * Services name fields relative to their own input; the answer names the part of the request
 * (src/http/field-paths.ts). These guard the cases a plain prefix would get wrong: a field the
 * URL gives, a URL parameter and a body field of the same name, and details and messages that
 * name paths in their text.
 */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

describe('field paths in problem answers', () => {
  it('name the URL for a field the route takes from its path (params.contactId)', async () => {
    const g = await conferenceGroup(t);
    const url = `/v1/groups/${g.groupId}/contacts/${g.wang.id}`;
    for (const res of [
      await t.call({ method: 'PATCH', url, payload: { name: 'x' } }),
      await t.call({ method: 'DELETE', url }),
    ]) {
      expect(res.statusCode).toBe(422);
      expect((res.json() as Problem).errors).toEqual([
        { path: 'params.contactId', message: 'a member, not an external contact' },
      ]);
    }
  });

  it('name the body for a body field that shares its name with a URL parameter (msisdn)', async () => {
    await conferenceGroup(t);
    const url = `/v1/address-books/${encodeURIComponent(E.wang)}/contacts`;
    const payload = { name: '赵总', msisdn: NUMBERS.stranger };
    expect((await t.call({ method: 'POST', url, payload })).statusCode).toBe(201);
    const twice = await t.call({ method: 'POST', url, payload });
    expect(twice.statusCode).toBe(409);
    expect((twice.json() as Problem).errors).toEqual([
      { path: 'body.msisdn', message: 'already in the address book' },
    ]);
  });

  it('appear in a detail that lists the issues as in the issues', async () => {
    const groupId = await conferenceGroup(t).then((g) => g.groupId);
    const tone = await createTone(t, groupId, 'A');
    const res = await postPolicy(t, groupId, {
      name: '夜班',
      appliesTo: { all: true },
      schedule: { start: '09:00', end: '09:00' },
      toneIds: [tone, 'tone_nope'],
      playback: 'loop',
    });
    const body = res.json() as Problem;
    expect(res.statusCode).toBe(422);
    expect(body.errors?.map((e) => e.path)).toEqual(['body.schedule.end', 'body.toneIds.1']);
    expect(body.detail).toBe(
      'the policy cannot be applied: body.schedule.end: must differ from start (the window would be empty); ' +
        'omit both for the whole day; body.toneIds.1: unknown tone tone_nope',
    );
  });

  it('appear in a message that names another field', async () => {
    await conferenceGroup(t);
    const res = await postConference(t, { hostMsisdn: E.wang, participants: [{ msisdn: E.wang }] });
    expect(res.statusCode).toBe(422);
    const body = res.json() as Problem;
    const message = `${E.wang} is already in the list (body.hostMsisdn)`;
    expect(body).toMatchObject({ code: 'duplicate_participant', detail: message });
    expect(body.errors).toEqual([{ path: 'body.participants.0', message }]);
  });
});
