import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createPartnerKey, createTestApp, type TestApp } from '../../helpers/app.js';
import {
  addMember,
  addSubgroup,
  createVpnGroup,
  decide,
  e164,
  type Member,
  NUMBERS,
  problem,
  route,
} from './fixtures.js';

/**
 * `POST /v1/route` over a small world built through the API. Routing is pure (it writes
 * nothing), so one app serves the whole file; the write-through tests live elsewhere.
 *
 * Hebei group H (VPN 3–6 digits, cross-province, short codes shown, own on-net rate 4 fen):
 *   wang 6001, li 6002, zhang (no code), liu 6004 suspended, chen 6005 (home Beijing)
 *   sub-groups: 8000 rate 2 {wang, li} · 8100 rate 3 {wang, li, zhang} · 8200 no rate {wang, zhang}
 * Group G2 (VPN, short codes hidden, no own rate): xu 7001, he 7002, gao suspended
 * Group G3 (no VPN): feng
 */
let t: TestApp;
let h: string;
let g2: string;
let g3: string;
const m: Record<string, Member> = {};
let sub8000: { id: string };

const SAMPLE = { offnet: 15, onnet: 5, smsOffnet: 10, smsOnnet: 5 };
const AT = '2026-11-24T10:00:00+08:00';

beforeAll(async () => {
  t = await createTestApp();
  h = await createVpnGroup(t, {
    shortCodeLength: { min: 3, max: 6 },
    crossProvince: true,
    showShortCode: true,
    onnetRateFenPerMinute: 4,
  });
  m.wang = await addMember(t, h, NUMBERS.wang, { name: '王明', shortCode: '6001' });
  m.li = await addMember(t, h, NUMBERS.li, { name: '李华', shortCode: '6002' });
  m.zhang = await addMember(t, h, NUMBERS.zhang, { name: '张兰' });
  m.liu = await addMember(t, h, NUMBERS.liu, { name: '刘洋', shortCode: '6004', status: 'suspended' });
  m.chen = await addMember(t, h, NUMBERS.chen, { name: '陈静', shortCode: '6005', homeProvince: 'CN-BJ' });
  sub8000 = await addSubgroup(t, h, { name: '管理层', shortCode: '8000', onnetRateFenPerMinute: 2 }, [
    m.wang.id,
    m.li.id,
  ]);
  await addSubgroup(t, h, { name: '销售团队', shortCode: '8100', onnetRateFenPerMinute: 3 }, [
    m.wang.id,
    m.li.id,
    m.zhang.id,
  ]);
  await addSubgroup(t, h, { name: '信息中心', shortCode: '8200' }, [m.wang.id, m.zhang.id]);

  g2 = await createVpnGroup(t, {
    shortCodeLength: { min: 4, max: 4 },
    crossProvince: false,
    showShortCode: false,
  });
  m.xu = await addMember(t, g2, NUMBERS.other, { name: '徐强', shortCode: '7001' });
  m.he = await addMember(t, g2, '13903110002', { name: '何伟', shortCode: '7002' });
  m.gao = await addMember(t, g2, '13903110003', { name: '高峰', status: 'suspended' });

  g3 = await createGroup(t);
  m.feng = await addMember(t, g3, '15003110001', { name: '冯毅' });
  m.song = await addMember(t, g3, '15003110002', { name: '宋佳' });
});
afterAll(() => t.close());

describe('the sample tariff the decisions use', () => {
  it('GET /v1/tariffs shows the shipped sample rates from 2020-01-01', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/tariffs' });
    expect(res.statusCode).toBe(200);
    const [version] = res.json().versions;
    expect(version.effectiveFrom).toBe('2020-01-01');
    expect(version.rates.voice).toMatchObject({
      offnetFenPerMinute: SAMPLE.offnet,
      onnetFenPerMinute: SAMPLE.onnet,
    });
    expect(version.rates.sms).toEqual({
      offnetFenPerMessage: SAMPLE.smsOffnet,
      onnetFenPerMessage: SAMPLE.smsOnnet,
    });
  });
});

describe('emergency numbers', () => {
  it.each(['110', '112', '119', '120', '122'])('%s routes as emergency from a member', async (to) => {
    const d = await decide(t, { from: NUMBERS.wang, to });
    expect(d).toMatchObject({
      decision: 'emergency',
      callType: 'emergency',
      from: e164(NUMBERS.wang),
      to,
      target: { msisdn: to },
      presentedCallerId: e164(NUMBERS.wang),
      ringback: null,
      tariff: { class: 'emergency', rateFenPerMinute: 0 },
      reason: 'emergency_number',
      roaming: false,
    });
    expect(d.explanation).toContain(to);
  });

  it('routes from a stranger, a landline and a suspended member alike', async () => {
    for (const from of [NUMBERS.stranger, '031185123456', NUMBERS.liu, '13903110003']) {
      const d = await decide(t, { from, to: '120' });
      expect(d, from).toMatchObject({
        decision: 'emergency',
        callType: 'emergency',
        reason: 'emergency_number',
      });
    }
  });

  // BUG (src/services/routing.ts, decide): the tariff is looked up before anything else, so an
  // emergency call at a time before the first tariff version is a 422 no_tariff instead of the
  // contract's "emergency numbers always route as emergency" (its tariff is a fixed 0 anyway).
  it('routes as emergency even at a time before the first tariff version', async () => {
    const res = await route(t, { from: NUMBERS.wang, to: '110', at: '2019-06-01T10:00:00+08:00' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      decision: 'emergency',
      tariff: { class: 'emergency', rateFenPerMinute: 0 },
    });
  });

  it('flags a roaming member but still routes as emergency', async () => {
    const d = await decide(t, { from: NUMBERS.wang, to: '110', location: { province: 'CN-GD' } });
    expect(d).toMatchObject({ decision: 'emergency', roaming: true });
  });

  it('routes as emergency from a member of a group whose short codes are hidden', async () => {
    const d = await decide(t, { from: NUMBERS.other, to: '119' });
    expect(d.decision).toBe('emergency');
  });
});

describe('short codes (vpn_short)', () => {
  it('connects a member’s short code, presenting the caller’s short code', async () => {
    const d = await decide(t, { from: NUMBERS.zhang, to: '6002', at: AT });
    expect(d).toMatchObject({
      decision: 'connect',
      callType: 'vpn_short',
      from: e164(NUMBERS.zhang),
      to: '6002',
      target: { msisdn: e164(NUMBERS.li), memberId: m.li!.id, groupId: h },
      // zhang holds no short code: the MSISDN is shown.
      presentedCallerId: e164(NUMBERS.zhang),
      ringback: null,
      reason: 'vpn_short_code',
      roaming: false,
    });
    const fromWang = await decide(t, { from: NUMBERS.wang, to: '6002' });
    expect(fromWang.presentedCallerId).toBe('6001');
  });

  it('presents the MSISDN when showShortCode is off', async () => {
    const d = await decide(t, { from: NUMBERS.other, to: '7002' });
    expect(d).toMatchObject({
      decision: 'connect',
      callType: 'vpn_short',
      target: { memberId: m.he!.id },
      presentedCallerId: e164(NUMBERS.other),
    });
  });

  it('accepts the caller in any form and answers in E.164', async () => {
    for (const from of [NUMBERS.wang, e164(NUMBERS.wang), `86${NUMBERS.wang}`, '+86 138 0311 0001']) {
      const d = await decide(t, { from, to: '6002' });
      expect(d.from, from).toBe(e164(NUMBERS.wang));
      expect(d.callType).toBe('vpn_short');
    }
  });

  it('a short code reaches only the caller’s own group', async () => {
    // 7001 is xu's code in G2, unheld in H (and shaped like an H code): unallocated.
    const d = await decide(t, { from: NUMBERS.wang, to: '7001' });
    expect(d).toMatchObject({ decision: 'reject', reason: 'unallocated_number' });
  });
});

describe('on-net long numbers (vpn_onnet)', () => {
  it.each([
    ['national', NUMBERS.li],
    ['E.164', e164(NUMBERS.li)],
    ['international without plus', `86${NUMBERS.li}`],
  ])('connects a colleague dialled in %s form', async (_, to) => {
    const d = await decide(t, { from: NUMBERS.wang, to });
    expect(d).toMatchObject({
      decision: 'connect',
      callType: 'vpn_onnet',
      to,
      target: { msisdn: e164(NUMBERS.li), memberId: m.li!.id, groupId: h },
      presentedCallerId: '6001',
      reason: 'vpn_long_number',
      tariff: { class: 'onnet', rateFenPerMinute: 2 },
    });
  });

  it('presents the MSISDN when showShortCode is off', async () => {
    const d = await decide(t, { from: NUMBERS.other, to: '13903110002' });
    expect(d).toMatchObject({ callType: 'vpn_onnet', presentedCallerId: e164(NUMBERS.other) });
  });
});

describe('on-net tariff', () => {
  it('takes the best rate of the sub-groups both parties share', async () => {
    // wang and li share 8000 (2) and 8100 (3).
    expect((await decide(t, { from: NUMBERS.wang, to: '6002' })).tariff).toEqual({
      class: 'onnet',
      rateFenPerMinute: 2,
    });
    // wang and zhang share 8100 (3) and 8200 (no rate of its own).
    expect((await decide(t, { from: NUMBERS.wang, to: NUMBERS.zhang })).tariff.rateFenPerMinute).toBe(3);
    expect((await decide(t, { from: NUMBERS.zhang, to: '6001' })).tariff.rateFenPerMinute).toBe(3);
  });

  it('falls back to the VPN’s own rate when they share no rated sub-group', async () => {
    const d = await decide(t, { from: NUMBERS.wang, to: '6005' });
    expect(d.tariff).toEqual({ class: 'onnet', rateFenPerMinute: 4 });
    expect(d.explanation).toContain("VPN's rate");
  });

  it('falls back to the catalogue’s on-net rate when the VPN has none', async () => {
    const d = await decide(t, { from: NUMBERS.other, to: '7002' });
    expect(d.tariff).toEqual({ class: 'onnet', rateFenPerMinute: SAMPLE.onnet });
  });

  it('rates off-net calls at the catalogue’s off-net rate', async () => {
    const d = await decide(t, { from: NUMBERS.wang, to: NUMBERS.stranger });
    expect(d.tariff).toEqual({ class: 'offnet', rateFenPerMinute: SAMPLE.offnet });
  });

  it('rates SMS per message', async () => {
    const onnet = await decide(t, { from: NUMBERS.wang, to: '6002', service: 'sms' });
    expect(onnet.tariff).toEqual({
      class: 'sms_onnet',
      rateFenPerMinute: 0,
      rateFenPerMessage: SAMPLE.smsOnnet,
    });
    const offnet = await decide(t, { from: NUMBERS.wang, to: NUMBERS.stranger, service: 'sms' });
    expect(offnet.tariff).toEqual({
      class: 'sms_offnet',
      rateFenPerMinute: 0,
      rateFenPerMessage: SAMPLE.smsOffnet,
    });
  });

  it('answers 422 no_tariff for a time before the first tariff version', async () => {
    const res = await route(t, { from: NUMBERS.wang, to: '6002', at: '2019-12-31T23:59:59+08:00' });
    expect(problem(res)).toMatchObject({ status: 422, code: 'no_tariff' });
    expect(problem(res).errors?.[0]?.path).toBe('body.at');
    // The first instant of 2020-01-01 in Shanghai is covered.
    const first = await route(t, { from: NUMBERS.wang, to: '6002', at: '2020-01-01T00:00:00+08:00' });
    expect(first.statusCode).toBe(200);
  });
});

describe('off-net', () => {
  it('connects a stranger’s number off-net, in any form', async () => {
    for (const to of [NUMBERS.stranger, e164(NUMBERS.stranger), `86${NUMBERS.stranger}`]) {
      const d = await decide(t, { from: NUMBERS.wang, to });
      expect(d, to).toMatchObject({
        decision: 'connect',
        callType: 'offnet',
        target: { msisdn: e164(NUMBERS.stranger) },
        presentedCallerId: e164(NUMBERS.wang),
        ringback: null,
        reason: 'offnet',
      });
      expect(d.target).not.toHaveProperty('memberId');
    }
  });

  it('names the member and group when the callee is a member of another group', async () => {
    const d = await decide(t, { from: NUMBERS.wang, to: NUMBERS.other });
    expect(d).toMatchObject({
      decision: 'connect',
      callType: 'offnet',
      target: { msisdn: e164(NUMBERS.other), memberId: m.xu!.id, groupId: g2 },
      presentedCallerId: e164(NUMBERS.wang),
      tariff: { class: 'offnet', rateFenPerMinute: SAMPLE.offnet },
    });
  });

  it('routes a stranger calling a member off-net', async () => {
    const d = await decide(t, { from: NUMBERS.stranger, to: NUMBERS.wang });
    expect(d).toMatchObject({
      decision: 'connect',
      callType: 'offnet',
      target: { msisdn: e164(NUMBERS.wang), memberId: m.wang!.id, groupId: h },
      presentedCallerId: e164(NUMBERS.stranger),
      roaming: false,
    });
  });

  it('treats colleagues in a group without a VPN as off-net', async () => {
    const d = await decide(t, { from: m.feng!.msisdn, to: m.song!.msisdn });
    expect(d).toMatchObject({ callType: 'offnet', target: { memberId: m.song!.id, groupId: g3 } });
  });

  it('routes landlines off-net', async () => {
    const d = await decide(t, { from: NUMBERS.wang, to: '01062345678' });
    expect(d).toMatchObject({ callType: 'offnet', target: { msisdn: '+861062345678' } });
  });
});

describe('rejects', () => {
  it('caller_suspended: a suspended member cannot call, and the reject names the call type', async () => {
    const short = await decide(t, { from: NUMBERS.liu, to: '6001' });
    expect(short).toMatchObject({
      decision: 'reject',
      callType: 'vpn_short',
      target: null,
      presentedCallerId: e164(NUMBERS.liu),
      ringback: null,
      tariff: { class: 'none', rateFenPerMinute: 0 },
      reason: 'caller_suspended',
    });
    expect((await decide(t, { from: NUMBERS.liu, to: NUMBERS.stranger })).callType).toBe('offnet');
    expect((await decide(t, { from: NUMBERS.liu, to: NUMBERS.li })).callType).toBe('vpn_onnet');
  });

  it('callee_suspended on a short code, an on-net long number and an off-net member', async () => {
    const short = await decide(t, { from: NUMBERS.wang, to: '6004' });
    expect(short).toMatchObject({
      decision: 'reject',
      callType: 'vpn_short',
      target: { msisdn: e164(NUMBERS.liu), memberId: m.liu!.id, groupId: h },
      reason: 'callee_suspended',
      tariff: { class: 'none', rateFenPerMinute: 0 },
    });
    const long = await decide(t, { from: NUMBERS.wang, to: NUMBERS.liu });
    expect(long).toMatchObject({ decision: 'reject', callType: 'vpn_onnet', reason: 'callee_suspended' });
    const offnet = await decide(t, { from: NUMBERS.wang, to: '13903110003' });
    expect(offnet).toMatchObject({
      decision: 'reject',
      callType: 'offnet',
      target: { memberId: m.gao!.id, groupId: g2 },
      reason: 'callee_suspended',
    });
  });

  it('unallocated_number: a short-code-shaped number that no one holds', async () => {
    for (const to of ['6999', '999', '999999']) {
      const d = await decide(t, { from: NUMBERS.wang, to });
      expect(d, to).toMatchObject({
        decision: 'reject',
        callType: 'vpn_short',
        target: null,
        reason: 'unallocated_number',
      });
    }
    // The plan of G2 is exactly 4 digits: a 5-digit code is not short-code-shaped there.
    expect((await decide(t, { from: NUMBERS.other, to: '7009' })).reason).toBe('unallocated_number');
  });

  it('not_callable: a voice call to a sub-group code', async () => {
    const d = await decide(t, { from: NUMBERS.wang, to: '8000' });
    expect(d).toMatchObject({
      decision: 'reject',
      callType: 'vpn_short',
      target: null,
      reason: 'not_callable',
      subgroupId: sub8000.id,
    });
  });

  it('an SMS to the same sub-group code fans out instead', async () => {
    const d = await decide(t, { from: NUMBERS.wang, to: '8100', service: 'sms' });
    expect(d).toMatchObject({
      decision: 'connect',
      callType: 'vpn_short',
      reason: 'vpn_subgroup_code',
      presentedCallerId: '6001',
      target: null,
    });
    expect(d.recipients?.map((r) => r.memberId).sort()).toEqual([m.li!.id, m.zhang!.id].sort());
  });
});

describe('the conference access number', () => {
  it('95100 (the test config’s access number) answers with the bridge prompt', async () => {
    for (const from of [NUMBERS.wang, NUMBERS.stranger, NUMBERS.other]) {
      const d = await decide(t, { from, to: '95100' });
      expect(d, from).toMatchObject({
        decision: 'ivr',
        callType: 'conference_dialin',
        target: { msisdn: '95100' },
        reason: 'conference_access_number',
        tariff: { class: 'conference', rateFenPerMinute: 0 },
      });
    }
  });
});

describe('roaming', () => {
  it('marks a member outside the home province as roaming, keeping the on-net decision', async () => {
    const d = await decide(t, {
      from: NUMBERS.wang,
      to: '6002',
      location: { province: 'CN-BJ', cellId: 'BJ-001' },
    });
    expect(d).toMatchObject({ decision: 'connect', callType: 'vpn_short', roaming: true });
    expect(d.tariff.rateFenPerMinute).toBe(2);
    expect(d.explanation).toContain('roaming in CN-BJ');
  });

  it('is not roaming at home, nor without a location', async () => {
    expect(
      (await decide(t, { from: NUMBERS.wang, to: '6002', location: { province: 'CN-HE' } })).roaming,
    ).toBe(false);
    expect((await decide(t, { from: NUMBERS.wang, to: '6002', location: {} })).roaming).toBe(false);
    // chen's home is Beijing: in Beijing chen is at home, in Hebei (the group's province) roaming.
    expect(
      (await decide(t, { from: NUMBERS.chen, to: '6001', location: { province: 'CN-BJ' } })).roaming,
    ).toBe(false);
    expect(
      (await decide(t, { from: NUMBERS.chen, to: '6001', location: { province: 'CN-HE' } })).roaming,
    ).toBe(true);
  });

  it('marks an off-net call roaming too', async () => {
    const d = await decide(t, { from: NUMBERS.wang, to: NUMBERS.stranger, location: { province: 'CN-SH' } });
    expect(d).toMatchObject({ callType: 'offnet', roaming: true });
  });

  it('refuses an unknown province with a 400', async () => {
    const res = await route(t, { from: NUMBERS.wang, to: '6002', location: { province: 'CN-XX' } });
    expect(problem(res)).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});

describe('invalid requests', () => {
  it.each([
    ['a from that is not a number', { from: 'abc', to: '6001' }, 'body.from'],
    ['a from too short to be a number', { from: '6001', to: '6002' }, 'body.from'],
    ['a to with letters', { from: NUMBERS.wang, to: '60a1' }, 'body.to'],
    ['an empty to', { from: NUMBERS.wang, to: '' }, 'body.to'],
    ['a to with two pluses', { from: NUMBERS.wang, to: '++8613803110002' }, 'body.to'],
    ['a to with spaces', { from: NUMBERS.wang, to: '138 0311 0002' }, 'body.to'],
    ['a to of 21 digits', { from: NUMBERS.wang, to: '1'.repeat(21) }, 'body.to'],
    ['an unknown service', { from: NUMBERS.wang, to: '6002', service: 'fax' }, 'body.service'],
    ['an at without offset', { from: NUMBERS.wang, to: '6002', at: '2026-11-24T10:00:00' }, 'body.at'],
    ['a missing to', { from: NUMBERS.wang }, 'body.to'],
  ])('answers 400 for %s', async (_, payload, path) => {
    const res = await t.call({ method: 'POST', url: '/v1/route', payload });
    expect(problem(res)).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(problem(res).errors?.map((e) => e.path)).toContain(path);
  });

  it('accepts star and hash service codes as dialled', async () => {
    const d = await decide(t, { from: NUMBERS.wang, to: '*21' });
    expect(d).toMatchObject({ decision: 'connect', callType: 'offnet', target: { msisdn: '*21' } });
  });

  it('needs a key (401)', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: NUMBERS.wang, to: '6002' },
      key: null,
    });
    expect(problem(res)).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});

describe('partner scope', () => {
  it('a partner routes for its own members and gets a 403 outside them', async () => {
    const key = await createPartnerKey(t, [g2]);
    expect((await route(t, { from: NUMBERS.other, to: '7002' }, key)).statusCode).toBe(200);
    // The callee in scope is enough.
    expect((await route(t, { from: NUMBERS.stranger, to: NUMBERS.other }, key)).statusCode).toBe(200);
    const outside = await route(t, { from: NUMBERS.wang, to: '6002' }, key);
    expect(problem(outside)).toMatchObject({ status: 403, code: 'out_of_scope' });
  });
});
