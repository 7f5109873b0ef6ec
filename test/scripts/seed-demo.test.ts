import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_GROUP } from '../../scripts/demo/data.js';
import { seedDemo } from '../../scripts/demo/seed.js';
import { injectTransport, type Transport } from '../../src/sim/scenario/transport.js';
import { ADMIN_KEY, createTestApp, type TestApp } from '../helpers/app.js';

/**
 * The demo seed goes through the API like a partner would: its members get E.164 numbers, so
 * every product works between them (the bug it guards against: national numbers stored as given).
 */
let t: TestApp;
let api: Transport;
beforeEach(async () => {
  t = await createTestApp();
  api = injectTransport(t.app, ADMIN_KEY);
});
afterEach(() => t.close());

const post = async (url: string, payload: object) => {
  const res = await t.call({ method: 'POST', url, payload });
  return { status: res.statusCode, body: res.json() };
};
const get = async (url: string) => {
  const res = await t.call({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
};

describe('npm run seed:demo', () => {
  it('seeds a demo in which routing, calls, SMS, ringback, conferences and bills work', async () => {
    const { groupId, skipped } = await seedDemo(api);
    expect(skipped).toEqual([]);
    const members = (await get(`/v1/groups/${groupId}/members?limit=500`)).body.items;
    expect(members).toHaveLength(30);
    const zhang = members.find((m: { name: string }) => m.name === '张兰');
    expect(zhang).toMatchObject({ msisdn: '+8613803110003', department: '信息中心', shortCode: '6201' });

    // 王明 dials 张兰's short code: a VPN call to her, at the 管理层/信息中心 shared-or-default rate
    const route = await post('/v1/route', { from: '13803110001', to: '6201' });
    expect(route.body).toMatchObject({
      decision: 'connect',
      callType: 'vpn_short',
      target: { msisdn: '+8613803110003', memberId: zhang.id },
      presentedCallerId: '6001',
    });

    // A call that connects and writes its CDR; its ringing event carries the work-hours tone
    const call = await post('/v1/calls', {
      from: '13803110001',
      to: '6201',
      at: '2026-11-24T10:00:00+08:00',
    });
    expect(call.status).toBe(201);
    const ringing = call.body.events.find((e: { type: string }) => e.type === 'ringing');
    expect(ringing.ringback).toMatchObject({ playback: 'single', toneIds: [expect.any(String)] });
    const answer = { action: 'answer', at: '2026-11-24T10:00:05+08:00' };
    expect((await post(`/v1/calls/${call.body.id}/actions`, answer)).body.state).toBe('connected');
    const ended = await post(`/v1/calls/${call.body.id}/actions`, {
      action: 'hangup',
      at: '2026-11-24T10:01:06+08:00',
    });
    expect(ended.body).toMatchObject({ state: 'ended', cdrId: expect.any(String) });
    const cdrs = (await get(`/v1/cdrs?groupId=${groupId}`)).body.items;
    expect(cdrs.find((c: { callId: string }) => c.callId === call.body.id)).toMatchObject({
      callType: 'vpn_short',
      billableSeconds: 61,
    });

    // A short-code SMS has its recipient
    const sms = await post('/v1/messages', { from: '13803110001', to: '6201', text: '三点开会' });
    expect(sms.status).toBe(201);
    expect(sms.body.recipients).toEqual([{ msisdn: '+8613803110003', memberId: zhang.id }]);
    const toTeam = await post('/v1/messages', { from: '13803110001', to: '8200', text: '信息中心开会' });
    expect(toTeam.body.recipients).toHaveLength(4);

    // Ringback: the sales team's rotation, the after-hours tone at night
    const zhao = members.find((m: { name: string }) => m.name === '赵磊');
    const sales = await get(`/v1/groups/${groupId}/ringback/resolve?callee=13803110007`);
    expect(sales.status).toBe(200);
    expect(sales.body).toMatchObject({ playback: 'loop', toneIds: [expect.any(String), expect.any(String)] });
    expect(zhao.department).toBe('销售部');
    const night = await get(
      `/v1/groups/${groupId}/ringback/resolve?callee=13803110003&at=2026-11-24T22:00:00%2B08:00`,
    );
    const policies = (await get(`/v1/groups/${groupId}/ringback/policies`)).body.items;
    const afterHours = policies.find((p: { name: string }) => p.name === '非工作时间');
    expect(night.body).toMatchObject({ policyId: afterHours.id, playback: 'single' });

    // The weekly conference: scheduled, its host named
    const conferences = (await get(`/v1/conferences?groupId=${groupId}`)).body.items;
    expect(conferences).toHaveLength(1);
    expect(conferences[0]).toMatchObject({
      title: '周例会',
      state: 'scheduled',
      hostMsisdn: '+8613803110001',
      startAt: '2026-11-30T01:00:00.000Z',
    });
    const host = conferences[0].participants.find((p: { role: string }) => p.role === 'host');
    expect(host.name).toBe('王明');
    expect(conferences[0].participants.map((p: { name: string }) => p.name)).toContain('王建国');

    // The switchboard: a caller keys 1 and rings 赵磊 at extension 8301
    const inbound = await post('/v1/calls', { from: '13912345678', to: '031186660000' });
    expect(inbound.body).toMatchObject({ callType: 'switchboard_inbound', state: 'in_ivr' });
    const keyed = await post(`/v1/calls/${inbound.body.id}/actions`, { action: 'dtmf', digits: '1' });
    expect(keyed.body).toMatchObject({ state: 'ringing', target: { memberId: zhao.id } });

    // Simulated subscribers: 单雄 is busy at once
    const busy = await post('/v1/calls', { from: '13803110001', to: '6951' });
    expect(busy.body.state).not.toBe('ringing');
    expect(busy.body.events.map((e: { type: string }) => e.type)).toContain('busy');

    // The month's bill: recurring fees, tone production, usage
    const bill = (await get(`/v1/groups/${groupId}/bills/2026-11`)).body;
    const kinds = new Set(bill.lines.map((l: { kind: string; product: string }) => `${l.kind}:${l.product}`));
    expect([...kinds]).toEqual(
      expect.arrayContaining(['recurring:switchboard', 'recurring:ringback', 'one_off:ringback']),
    );
    expect(bill.lines.some((l: { kind: string }) => l.kind === 'usage' || l.kind === 'allowance')).toBe(true);
    expect(bill.totalFen).toBeGreaterThan(0);
  });

  it('run twice, keeps everything and adds nothing', async () => {
    const first = await seedDemo(api);
    const second = await seedDemo(api);
    expect(second.groupId).toBe(first.groupId);
    expect(second.created).toEqual([]);
    expect(second.skipped).toEqual([]);
    expect(second.kept).toContain('30 members already in the group (by number)');
    expect((await get('/v1/groups')).body.items).toHaveLength(1);
    expect((await get(`/v1/conferences?groupId=${first.groupId}`)).body.items).toHaveLength(1);
    expect((await get(`/v1/cdrs?groupId=${first.groupId}`)).body.items).toHaveLength(2);
  });

  it('completes a group of the same name that the walk-through made, keeping its data', async () => {
    const made = await post('/v1/groups', DEMO_GROUP);
    await post(`/v1/groups/${made.body.id}/members`, { msisdn: '138 0311 0001', name: '王明' });
    // a number of the demo held by another group cannot join: said, not fatal
    const other = await post('/v1/groups', { ...DEMO_GROUP, name: '另一家公司' });
    await post(`/v1/groups/${other.body.id}/members`, { msisdn: '13803110030', name: '欧阳明' });

    const report = await seedDemo(api);
    expect(report.groupId).toBe(made.body.id);
    expect(report.kept).toContain(`group ${DEMO_GROUP.name} (${made.body.id})`);
    expect(report.kept).toContain('1 members already in the group (by number)');
    expect(report.skipped).toEqual([expect.stringMatching(/^member 欧阳明: /)]);
    const members = (await get(`/v1/groups/${made.body.id}/members?limit=500`)).body.items;
    expect(members).toHaveLength(29);
    const route = await post('/v1/route', { from: '13803110001', to: '6201' });
    expect(route.body.callType).toBe('vpn_short');
  });
});
