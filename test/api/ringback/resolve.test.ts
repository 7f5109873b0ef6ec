import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createPolicy, createTone, member, officeGroup, resolve, winner } from './setup.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const WORK_HOURS = '2026-11-24T10:00:00+08:00'; // Tuesday
const EVENING = '2026-11-24T20:00:00+08:00';
const NATIONAL_DAY = '2026-10-01T10:00:00+08:00'; // Thursday, a public holiday
const MAKE_UP_SATURDAY = '2026-10-10T10:00:00+08:00'; // a worked Saturday (调休)
const PLAIN_SATURDAY = '2026-10-17T10:00:00+08:00';

describe('resolve', () => {
  it('work hours and after hours give different tones to the same member', async () => {
    const o = await officeGroup(t);
    const m = await member(t, o.groupId);
    const day = await resolve(t, o.groupId, m.msisdn, WORK_HOURS);
    expect(day.statusCode).toBe(200);
    expect(day.json()).toMatchObject({ policyId: o.work, toneIds: [o.workTone], playback: 'single' });
    const night = await resolve(t, o.groupId, m.msisdn, EVENING);
    expect(night.json()).toMatchObject({ policyId: o.fallback, toneIds: [o.afterTone], playback: 'loop' });
  });

  it('takes the callee in any form and defaults `at` to the service clock', async () => {
    const o = await officeGroup(t);
    const m = await member(t, o.groupId);
    const national = m.msisdn.replace('+86', '');
    // The test clock stands at 2026-11-24T09:00+08:00, inside work hours.
    expect(await winner(t, o.groupId, `+86 ${national.slice(0, 3)} ${national.slice(3)}`)).toBe(o.work);
    expect(await winner(t, o.groupId, `86${national}`)).toBe(o.work);
  });

  it('404 for a callee outside the group; 400 for a non-mobile', async () => {
    const o = await officeGroup(t);
    const other = await officeGroup(t);
    const stranger = await member(t, other.groupId);
    expect((await resolve(t, o.groupId, stranger.msisdn)).statusCode).toBe(404);
    expect((await resolve(t, o.groupId, '13999999999')).statusCode).toBe(404);
    const bad = await resolve(t, o.groupId, '12345');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('querystring.callee');
  });

  it('a department or sub-group policy beats every all-policy; a member policy beats both', async () => {
    const o = await officeGroup(t);
    const sales = await member(t, o.groupId, { department: '销售部' });
    const boss = await member(t, o.groupId, { department: '销售部', name: '李总' });
    const linked = await member(t, o.groupId, { department: '财务部' });
    const plain = await member(t, o.groupId, { department: '财务部' });

    await t.call({ method: 'PUT', url: `/v1/groups/${o.groupId}/vpn`, payload: {} });
    const sub = await t.call({
      method: 'POST',
      url: `/v1/groups/${o.groupId}/subgroups`,
      payload: { name: '项目组' },
    });
    const subgroupId = sub.json().id;
    const joined = await t.call({
      method: 'PUT',
      url: `/v1/groups/${o.groupId}/subgroups/${subgroupId}/members/${linked.id}`,
    });
    expect(joined.statusCode).toBe(200);

    const salesTone = await createTone(t, o.groupId, '销售部彩铃');
    const projectTone = await createTone(t, o.groupId, '项目组彩铃');
    const bossTone = await createTone(t, o.groupId, '李总彩铃');
    const dept = await createPolicy(t, o.groupId, {
      name: '销售部',
      appliesTo: { departments: ['销售部'] },
      toneIds: [salesTone],
    });
    const project = await createPolicy(t, o.groupId, {
      name: '项目组',
      appliesTo: { subgroupIds: [subgroupId] },
      toneIds: [projectTone],
    });
    const personal = await createPolicy(t, o.groupId, {
      name: '李总',
      appliesTo: { memberIds: [boss.id] },
      toneIds: [bossTone],
    });

    for (const at of [WORK_HOURS, EVENING]) {
      expect(await winner(t, o.groupId, sales.msisdn, at)).toBe(dept);
      expect(await winner(t, o.groupId, linked.msisdn, at)).toBe(project);
      expect(await winner(t, o.groupId, boss.msisdn, at)).toBe(personal);
    }
    expect(await winner(t, o.groupId, plain.msisdn, WORK_HOURS)).toBe(o.work);

    // The explanation names the winner and every loser with why.
    const res = await resolve(t, o.groupId, boss.msisdn, WORK_HOURS);
    const { explanation } = res.json();
    expect(explanation.winner.policyId).toBe(personal);
    expect(explanation.local).toMatchObject({ timezone: 'Asia/Shanghai', weekday: 2, dayType: 'workday' });
    const byId = new Map(
      explanation.candidates.map(
        (c: { policyId: string }) => [c.policyId, c] as [string, Record<string, unknown>],
      ),
    );
    expect(byId.get(personal)).toMatchObject({ outcome: 'won', audienceMatch: 'member' });
    expect(byId.get(dept)).toMatchObject({
      outcome: 'lost',
      code: 'lost.specificity',
      audienceMatch: 'department',
    });
    expect(byId.get(o.work)).toMatchObject({
      outcome: 'lost',
      code: 'lost.specificity',
      audienceMatch: 'all',
    });
    expect(byId.get(o.fallback)).toMatchObject({ outcome: 'lost' });
    expect(byId.get(project)).toMatchObject({ outcome: 'skipped', code: 'audience' });
    expect(explanation.candidates[0].policyId).toBe(personal);
  });

  it('a public holiday and a make-up Saturday follow the national calendar', async () => {
    const o = await officeGroup(t);
    const holidayTone = await createTone(t, o.groupId, '节日快乐');
    const holiday = await createPolicy(t, o.groupId, {
      name: '节假日',
      appliesTo: { all: true },
      schedule: { calendar: 'holidays' },
      toneIds: [holidayTone],
    });
    const m = await member(t, o.groupId);

    const nationalDay = (await resolve(t, o.groupId, m.msisdn, NATIONAL_DAY)).json();
    expect(nationalDay.policyId).toBe(holiday);
    expect(nationalDay.explanation.local).toMatchObject({ weekday: 4, dayType: 'holiday' });
    expect(
      nationalDay.explanation.candidates.find((c: { policyId: string }) => c.policyId === o.work),
    ).toMatchObject({
      outcome: 'skipped',
      code: 'schedule.calendar',
    });

    const makeUp = (await resolve(t, o.groupId, m.msisdn, MAKE_UP_SATURDAY)).json();
    expect(makeUp.policyId).toBe(o.work);
    expect(makeUp.explanation.local).toMatchObject({ weekday: 6, dayType: 'workday' });

    expect(await winner(t, o.groupId, m.msisdn, PLAIN_SATURDAY)).toBe(holiday);
    expect(await winner(t, o.groupId, m.msisdn, WORK_HOURS)).toBe(o.work);
  });

  it('PUT calendar changes the result at once', async () => {
    const o = await officeGroup(t);
    const holidayTone = await createTone(t, o.groupId, '公司假日');
    const holiday = await createPolicy(t, o.groupId, {
      name: '假日',
      appliesTo: { all: true },
      schedule: { calendar: 'holidays' },
      toneIds: [holidayTone],
    });
    const m = await member(t, o.groupId);
    expect(await winner(t, o.groupId, m.msisdn, WORK_HOURS)).toBe(o.work);
    expect(await winner(t, o.groupId, m.msisdn, NATIONAL_DAY)).toBe(holiday);

    const put = await t.call({
      method: 'PUT',
      url: `/v1/groups/${o.groupId}/calendar`,
      payload: { holidays: ['2026-11-24'], workdays: [] },
    });
    expect(put.statusCode).toBe(200);
    // The company's own day off; and without the national holidays 10-01 is a plain Thursday.
    expect(await winner(t, o.groupId, m.msisdn, WORK_HOURS)).toBe(holiday);
    expect(await winner(t, o.groupId, m.msisdn, NATIONAL_DAY)).toBe(o.work);
    expect(await winner(t, o.groupId, m.msisdn, MAKE_UP_SATURDAY)).toBe(holiday);
  });

  it("reads schedules in the group's own time zone, and follows a time-zone change", async () => {
    const shanghai = await officeGroup(t);
    const tokyo = await officeGroup(t, { timezone: 'Asia/Tokyo' });
    const a = await member(t, shanghai.groupId);
    const b = await member(t, tokyo.groupId);
    const at = '2026-11-24T08:30:00+08:00'; // 08:30 in Shanghai, 09:30 in Tokyo
    expect(await winner(t, shanghai.groupId, a.msisdn, at)).toBe(shanghai.fallback);
    const res = (await resolve(t, tokyo.groupId, b.msisdn, at)).json();
    expect(res.policyId).toBe(tokyo.work);
    expect(res.explanation.local.timezone).toBe('Asia/Tokyo');
    expect(res.explanation.local.dateTime).toMatch(/^2026-11-24T09:30:00\.000\+09:00$/);

    const patch = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${shanghai.groupId}`,
      payload: { timezone: 'Asia/Tokyo' },
    });
    expect(patch.statusCode).toBe(200);
    expect(await winner(t, shanghai.groupId, a.msisdn, at)).toBe(shanghai.work);
    const routed = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: '13900139000', to: a.msisdn, at },
    });
    expect(routed.json().ringback.policyId).toBe(shanghai.work);
  });

  it('a disabled policy is ignored; deleting a policy hands over to the next', async () => {
    const o = await officeGroup(t);
    const m = await member(t, o.groupId);
    const url = `/v1/groups/${o.groupId}/ringback/policies/${o.work}`;
    expect(await winner(t, o.groupId, m.msisdn, WORK_HOURS)).toBe(o.work);

    await t.call({ method: 'PATCH', url, payload: { enabled: false } });
    expect(await winner(t, o.groupId, m.msisdn, WORK_HOURS)).toBe(o.fallback);
    const res = (await resolve(t, o.groupId, m.msisdn, WORK_HOURS)).json();
    expect(res.explanation.candidates.find((c: { policyId: string }) => c.policyId === o.work)).toMatchObject(
      {
        outcome: 'skipped',
        code: 'disabled',
      },
    );

    await t.call({ method: 'PATCH', url, payload: { enabled: true } });
    expect(await winner(t, o.groupId, m.msisdn, WORK_HOURS)).toBe(o.work);

    const fallbackUrl = `/v1/groups/${o.groupId}/ringback/policies/${o.fallback}`;
    expect((await t.call({ method: 'DELETE', url: fallbackUrl })).statusCode).toBe(204);
    expect(await winner(t, o.groupId, m.msisdn, EVENING)).toBeNull();
    expect((await t.call({ method: 'DELETE', url })).statusCode).toBe(204);
    const none = (await resolve(t, o.groupId, m.msisdn, WORK_HOURS)).json();
    expect(none).toMatchObject({ policyId: null, toneIds: [], playback: null });
    expect(none.explanation).toMatchObject({ winner: null, candidates: [] });
  });

  it('higher priority, then the newest, wins among equals', async () => {
    const o = await officeGroup(t);
    const m = await member(t, o.groupId);
    const tone = await createTone(t, o.groupId, 'X');
    const newer = await createPolicy(t, o.groupId, {
      name: 'newer',
      appliesTo: { all: true },
      toneIds: [tone],
    });
    expect(await winner(t, o.groupId, m.msisdn, EVENING)).toBe(newer);
    await t.call({
      method: 'PATCH',
      url: `/v1/groups/${o.groupId}/ringback/policies/${o.fallback}`,
      payload: { priority: 1 },
    });
    expect(await winner(t, o.groupId, m.msisdn, EVENING)).toBe(o.fallback);
  });
});

describe('POST /v1/route answers the same ringback as resolve', () => {
  it('for calls to a member, from outside and from a colleague', async () => {
    const o = await officeGroup(t);
    const callee = await member(t, o.groupId, { department: '销售部' });
    const colleague = await member(t, o.groupId);
    const deptTone = await createTone(t, o.groupId, '销售部');
    await createPolicy(t, o.groupId, {
      name: '销售部晚间',
      appliesTo: { departments: ['销售部'] },
      schedule: { start: '18:00', end: '08:00' },
      toneIds: [deptTone, o.afterTone],
      playback: 'loop',
    });

    for (const at of [WORK_HOURS, EVENING, NATIONAL_DAY, '2026-11-25T07:30:00+08:00']) {
      const expected = (await resolve(t, o.groupId, callee.msisdn, at)).json();
      for (const from of ['13900139000', colleague.msisdn]) {
        const routed = await t.call({
          method: 'POST',
          url: '/v1/route',
          payload: { from, to: callee.msisdn, at },
        });
        expect(routed.statusCode).toBe(200);
        expect(routed.json().ringback).toEqual({
          policyId: expected.policyId,
          toneIds: expected.toneIds,
          playback: expected.playback,
        });
      }
    }
  });

  it('no ringback for a group without policies, or for a call to a non-member', async () => {
    const o = await officeGroup(t);
    const bare = await officeGroup(t);
    for (const id of [bare.work, bare.fallback]) {
      await t.call({ method: 'DELETE', url: `/v1/groups/${bare.groupId}/ringback/policies/${id}` });
    }
    const m = await member(t, bare.groupId);
    const routed = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: '13900139000', to: m.msisdn },
    });
    expect(routed.json().ringback).toBeNull();
    const offnet = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: '13900139000', to: '13700137000' },
    });
    expect(offnet.json().ringback).toBeNull();
    expect(o.groupId).not.toBe(bare.groupId);
  });

  it('none while every policy is disabled; resolve still explains them; enabling one brings it back', async () => {
    const o = await officeGroup(t);
    const m = await member(t, o.groupId);
    const policyUrl = (id: string) => `/v1/groups/${o.groupId}/ringback/policies/${id}`;
    const routed = async () =>
      (
        await t.call({
          method: 'POST',
          url: '/v1/route',
          payload: { from: '13900139000', to: m.msisdn, at: EVENING },
        })
      ).json().ringback;

    expect(await routed()).toMatchObject({ policyId: o.fallback });
    for (const id of [o.work, o.fallback]) {
      expect(
        (await t.call({ method: 'PATCH', url: policyUrl(id), payload: { enabled: false } })).statusCode,
      ).toBe(200);
    }
    expect(await routed()).toBeNull();
    const explained = (await resolve(t, o.groupId, m.msisdn, EVENING)).json();
    expect(explained.policyId).toBeNull();
    expect(explained.explanation.candidates).toHaveLength(2);
    for (const candidate of explained.explanation.candidates) {
      expect(candidate).toMatchObject({ outcome: 'skipped', code: 'disabled' });
    }

    await t.call({ method: 'PATCH', url: policyUrl(o.fallback), payload: { enabled: true } });
    expect(await routed()).toMatchObject({ policyId: o.fallback, toneIds: [o.afterTone], playback: 'loop' });
  });
});

describe('start-up', () => {
  it('rebuilds every compiled ringback from SQLite', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringback-'));
    try {
      const first = await createTestApp({ dataDir });
      const o = await officeGroup(first);
      const m = await member(first, o.groupId);
      await first.call({
        method: 'PUT',
        url: `/v1/groups/${o.groupId}/calendar`,
        payload: { holidays: ['2026-11-24'], workdays: [] },
      });
      // A group whose policies are all disabled must come back silent, not with its last tone.
      const quiet = await officeGroup(first);
      const q = await member(first, quiet.groupId);
      for (const id of [quiet.work, quiet.fallback]) {
        await first.call({
          method: 'PATCH',
          url: `/v1/groups/${quiet.groupId}/ringback/policies/${id}`,
          payload: { enabled: false },
        });
      }
      await first.close();

      const second = await createTestApp({ dataDir });
      try {
        const routed = await second.call({
          method: 'POST',
          url: '/v1/route',
          payload: { from: '13900139000', to: m.msisdn, at: WORK_HOURS },
        });
        // 2026-11-24 is a day off by the stored calendar: the work-hours policy does not play.
        expect(routed.json().ringback.policyId).toBe(o.fallback);
        const next = await second.call({
          method: 'POST',
          url: '/v1/route',
          payload: { from: '13900139000', to: m.msisdn, at: '2026-11-25T10:00:00+08:00' },
        });
        expect(next.json().ringback.policyId).toBe(o.work);
        const silent = await second.call({
          method: 'POST',
          url: '/v1/route',
          payload: { from: '13900139000', to: q.msisdn, at: WORK_HOURS },
        });
        expect(silent.statusCode).toBe(200);
        expect(silent.json().ringback).toBeNull();
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
