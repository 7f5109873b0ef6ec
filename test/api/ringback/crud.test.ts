import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, createPartnerKey, createTestApp, type TestApp } from '../../helpers/app.js';
import { createPolicy, createTone, officeGroup, postPolicy } from './setup.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('ringback tones', () => {
  it('creates a tone with the production fee of the tariff in force, and lists it', async () => {
    const groupId = await createGroup(t);
    const res = await t.call({
      method: 'POST',
      url: `/v1/groups/${groupId}/ringback/tones`,
      payload: { title: '欢迎致电华北电力', durationSeconds: 40 },
    });
    expect(res.statusCode).toBe(201);
    const fee = t.app.services.tariffs.ratesAt(t.clock.now()).ringback.productionFeeFenPerTone;
    expect(res.json()).toMatchObject({
      groupId,
      title: '欢迎致电华北电力',
      durationSeconds: 40,
      productionFeeFen: fee,
    });
    expect(fee).toBe(10_000);
    const list = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/ringback/tones` });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((tone: { id: string }) => tone.id)).toEqual([res.json().id]);
  });

  it('refuses a tone without a title or with a zero duration (400)', async () => {
    const groupId = await createGroup(t);
    const res = await t.call({
      method: 'POST',
      url: `/v1/groups/${groupId}/ringback/tones`,
      payload: { title: '', durationSeconds: 0 },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.title', 'body.durationSeconds']));
  });

  it('404 for an unknown group', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups/grp_nope/ringback/tones',
      payload: { title: 'x', durationSeconds: 10 },
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('ringback policies CRUD', () => {
  it('creates, reads, lists, patches and deletes a policy', async () => {
    const groupId = await createGroup(t);
    const a = await createTone(t, groupId, 'A');
    const b = await createTone(t, groupId, 'B');
    const created = await postPolicy(t, groupId, {
      name: '销售部',
      appliesTo: { departments: ['销售部'] },
      schedule: { weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
      toneIds: [a, b],
      playback: 'loop',
    });
    expect(created.statusCode).toBe(201);
    const policy = created.json();
    expect(policy).toMatchObject({
      groupId,
      name: '销售部',
      appliesTo: { departments: ['销售部'] },
      schedule: { weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
      toneIds: [a, b],
      playback: 'loop',
      priority: 0,
      enabled: true,
    });
    const url = `/v1/groups/${groupId}/ringback/policies/${policy.id}`;

    expect((await t.call({ method: 'GET', url })).json()).toEqual(policy);
    const list = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/ringback/policies` });
    expect(list.json().items).toEqual([policy]);

    // PATCH merges onto the stored policy: the schedule and tones stay.
    const patched = await t.call({ method: 'PATCH', url, payload: { priority: 5, enabled: false } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ priority: 5, enabled: false, toneIds: [a, b], name: '销售部' });
    expect(patched.json().schedule).toEqual(policy.schedule);

    // schedule: null removes it.
    const unscheduled = await t.call({ method: 'PATCH', url, payload: { schedule: null } });
    expect(unscheduled.json().schedule).toBeNull();

    const deleted = await t.call({ method: 'DELETE', url });
    expect(deleted.statusCode).toBe(204);
    expect((await t.call({ method: 'GET', url })).statusCode).toBe(404);
    expect((await t.call({ method: 'DELETE', url })).statusCode).toBe(404);
    expect(
      (await t.call({ method: 'GET', url: `/v1/groups/${groupId}/ringback/policies` })).json().items,
    ).toEqual([]);
  });

  it('a policy of another group is not found through this group', async () => {
    const g1 = await createGroup(t);
    const g2 = await createGroup(t);
    const tone = await createTone(t, g1, 'A');
    const id = await createPolicy(t, g1, { name: 'p', appliesTo: { all: true }, toneIds: [tone] });
    const res = await t.call({ method: 'GET', url: `/v1/groups/${g2}/ringback/policies/${id}` });
    expect(res.statusCode).toBe(404);
  });
});

describe('ringback policy validation', () => {
  let groupId: string;
  let tone: string;
  beforeEach(async () => {
    groupId = await createGroup(t);
    tone = await createTone(t, groupId, 'A');
  });
  const base = () => ({ name: 'p', appliesTo: { all: true }, toneIds: [tone], playback: 'single' });

  it('25:00 is a 400 naming body.schedule.start', async () => {
    const res = await postPolicy(t, groupId, { ...base(), schedule: { start: '25:00', end: '18:00' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
    expect(res.json().errors).toEqual([
      { path: 'body.schedule.start', message: expect.stringContaining('25') },
    ]);
  });

  it('a weekday outside 1..7 and a non-date are 400s', async () => {
    const res = await postPolicy(t, groupId, {
      ...base(),
      schedule: { weekdays: [1, 8], dateFrom: '2026-02-30' },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.schedule.weekdays.1', 'body.schedule.dateFrom']));
  });

  it('an unknown tone is a 422 unknown_tone naming the tone', async () => {
    const res = await postPolicy(t, groupId, { ...base(), toneIds: [tone, 'tone_missing'] });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('unknown_tone');
    expect(res.json().errors).toEqual([{ path: 'body.toneIds.1', message: 'unknown tone tone_missing' }]);
  });

  it('a tone of another group is unknown here', async () => {
    const other = await createGroup(t);
    const foreign = await createTone(t, other, 'B');
    const res = await postPolicy(t, groupId, { ...base(), toneIds: [foreign] });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('unknown_tone');
  });

  it('dateFrom after dateTo is a 422 naming body.schedule.dateTo', async () => {
    const res = await postPolicy(t, groupId, {
      ...base(),
      schedule: { dateFrom: '2026-10-07', dateTo: '2026-10-01' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('ringback_invalid');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.schedule.dateTo']);
  });

  it('an empty audience and an empty tone list are 422s', async () => {
    const res = await postPolicy(t, groupId, { ...base(), appliesTo: {}, toneIds: [] });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('ringback_invalid');
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.appliesTo', 'body.toneIds']));
  });

  it('wrong types are 400s from the schema', async () => {
    const res = await postPolicy(t, groupId, { ...base(), playback: 'shuffle', appliesTo: { all: false } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.playback', 'body.appliesTo.all']));
  });

  it('PATCH validates the merged whole and writes nothing on failure', async () => {
    const id = await createPolicy(t, groupId, { ...base(), schedule: { dateFrom: '2026-10-01' } });
    const url = `/v1/groups/${groupId}/ringback/policies/${id}`;
    const bad = await t.call({
      method: 'PATCH',
      url,
      payload: { name: 'q', schedule: { dateFrom: '2026-10-09', dateTo: '2026-10-01' } },
    });
    expect(bad.statusCode).toBe(422);
    const badTime = await t.call({ method: 'PATCH', url, payload: { schedule: { start: '25:00' } } });
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json().errors[0].path).toBe('body.schedule.start');
    const stored = (await t.call({ method: 'GET', url })).json();
    expect(stored.name).toBe('p');
    expect(stored.schedule).toEqual({ dateFrom: '2026-10-01' });
  });

  it('a refused POST creates nothing', async () => {
    await postPolicy(t, groupId, { ...base(), toneIds: ['tone_missing'] });
    const list = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/ringback/policies` });
    expect(list.json().items).toEqual([]);
  });
});

describe('group calendar', () => {
  it('starts as the national calendar; PUT replaces it', async () => {
    const groupId = await createGroup(t);
    const url = `/v1/groups/${groupId}/calendar`;
    const initial = (await t.call({ method: 'GET', url })).json();
    expect(initial.holidays).toContain('2026-10-01');
    expect(initial.workdays).toContain('2026-10-10');

    const put = await t.call({
      method: 'PUT',
      url,
      payload: { holidays: ['2026-11-25', '2026-11-24', '2026-11-24'], workdays: [] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ groupId, holidays: ['2026-11-24', '2026-11-25'], workdays: [] });
    expect((await t.call({ method: 'GET', url })).json()).toEqual(put.json());
  });

  it('refuses a non-date (400 naming the entry)', async () => {
    const groupId = await createGroup(t);
    const res = await t.call({
      method: 'PUT',
      url: `/v1/groups/${groupId}/calendar`,
      payload: { holidays: ['2026-10-01', '2026-13-01'], workdays: [] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.holidays.1');
  });
});

describe('partner scope', () => {
  it('a partner key of another group gets 404 on every ringback route', async () => {
    const { groupId, work } = await officeGroup(t);
    const otherGroup = await createGroup(t);
    const key = await createPartnerKey(t, [otherGroup]);
    const g = `/v1/groups/${groupId}`;
    const calls = [
      { method: 'GET', url: `${g}/ringback/tones` },
      { method: 'POST', url: `${g}/ringback/tones`, payload: { title: 'x', durationSeconds: 10 } },
      { method: 'GET', url: `${g}/ringback/policies` },
      {
        method: 'POST',
        url: `${g}/ringback/policies`,
        payload: { name: 'x', appliesTo: { all: true }, toneIds: [], playback: 'single' },
      },
      { method: 'GET', url: `${g}/ringback/policies/${work}` },
      { method: 'PATCH', url: `${g}/ringback/policies/${work}`, payload: { priority: 1 } },
      { method: 'DELETE', url: `${g}/ringback/policies/${work}` },
      { method: 'GET', url: `${g}/ringback/resolve?callee=13800138001` },
      { method: 'GET', url: `${g}/calendar` },
      { method: 'PUT', url: `${g}/calendar`, payload: { holidays: [], workdays: [] } },
    ] as const;
    for (const call of calls) {
      const res = await t.call({ ...call, key });
      expect(res.statusCode, `${call.method} ${call.url}`).toBe(404);
    }
    // Its own group works.
    const own = await t.call({ method: 'GET', url: `/v1/groups/${otherGroup}/ringback/tones`, key });
    expect(own.statusCode).toBe(200);
    // And the policy is untouched.
    const stored = await t.call({ method: 'GET', url: `${g}/ringback/policies/${work}` });
    expect(stored.json().priority).toBe(0);
  });
});

describe('group deletion', () => {
  it('takes the group ringback tones, policies and calendar with it', async () => {
    const { groupId } = await officeGroup(t);
    await t.call({
      method: 'PUT',
      url: `/v1/groups/${groupId}/calendar`,
      payload: { holidays: [], workdays: [] },
    });
    const del = await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}` });
    expect(del.statusCode).toBe(204);
    expect((await t.call({ method: 'GET', url: `/v1/groups/${groupId}/ringback/policies` })).statusCode).toBe(
      404,
    );
  });
});
