import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import {
  addMember,
  addSubgroup,
  createVpnGroup,
  decide,
  e164,
  joinSubgroup,
  leaveSubgroup,
  NUMBERS,
  patchMember,
  putVpn,
  type RouteBody,
} from './fixtures.js';

/**
 * The routing hot path answers from the in-memory directory: every committed change must show
 * in the very next decision, and a new process must rebuild the same directory from SQLite.
 */
const apps: TestApp[] = [];
const dirs: string[] = [];

async function open(overrides: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const t = await createTestApp(overrides);
  apps.push(t);
  return t;
}

afterEach(async () => {
  for (const t of apps.splice(0)) await t.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('write-through: the next route sees every committed change', () => {
  it('a changed short code: the old one is unallocated, the new one connects', async () => {
    const t = await open();
    const g = await createVpnGroup(t);
    await addMember(t, g, NUMBERS.wang, { shortCode: '6001' });
    const li = await addMember(t, g, NUMBERS.li, { shortCode: '6002' });
    expect((await decide(t, { from: NUMBERS.wang, to: '6002' })).target?.memberId).toBe(li.id);

    expect((await patchMember(t, g, li.id, { shortCode: '6102' })).statusCode).toBe(200);
    expect(await decide(t, { from: NUMBERS.wang, to: '6002' })).toMatchObject({
      decision: 'reject',
      reason: 'unallocated_number',
    });
    expect(await decide(t, { from: NUMBERS.wang, to: '6102' })).toMatchObject({
      decision: 'connect',
      callType: 'vpn_short',
      target: { memberId: li.id },
    });

    await patchMember(t, g, li.id, { shortCode: null });
    expect((await decide(t, { from: NUMBERS.wang, to: '6102' })).reason).toBe('unallocated_number');
    // The caller's own code is what the callee sees: freeing it shows the MSISDN next time.
    const wang = await decide(t, { from: NUMBERS.li, to: '6001' });
    expect(wang.presentedCallerId).toBe(e164(NUMBERS.li));
  });

  it('a deleted member: its code is unallocated and its number is a stranger’s', async () => {
    const t = await open();
    const g = await createVpnGroup(t);
    await addMember(t, g, NUMBERS.wang, { shortCode: '6001' });
    const li = await addMember(t, g, NUMBERS.li, { shortCode: '6002' });
    const res = await t.call({ method: 'DELETE', url: `/v1/groups/${g}/members/${li.id}` });
    expect(res.statusCode).toBe(204);
    expect((await decide(t, { from: NUMBERS.wang, to: '6002' })).reason).toBe('unallocated_number');
    const long = await decide(t, { from: NUMBERS.wang, to: NUMBERS.li });
    expect(long).toMatchObject({
      decision: 'connect',
      callType: 'offnet',
      target: { msisdn: e164(NUMBERS.li) },
    });
    expect(long.target).not.toHaveProperty('memberId');
    // The deleted member calling is now a stranger calling off-net.
    expect(await decide(t, { from: NUMBERS.li, to: '6001' })).toMatchObject({
      callType: 'offnet',
      target: { msisdn: '6001' },
    });
  });

  it('a suspended member is refused at once as callee and caller, and reactivation restores it', async () => {
    const t = await open();
    const g = await createVpnGroup(t);
    await addMember(t, g, NUMBERS.wang, { shortCode: '6001' });
    const li = await addMember(t, g, NUMBERS.li, { shortCode: '6002' });

    await patchMember(t, g, li.id, { status: 'suspended' });
    expect(await decide(t, { from: NUMBERS.wang, to: '6002' })).toMatchObject({
      decision: 'reject',
      reason: 'callee_suspended',
    });
    expect(await decide(t, { from: NUMBERS.li, to: '6001' })).toMatchObject({
      decision: 'reject',
      reason: 'caller_suspended',
    });
    expect((await decide(t, { from: NUMBERS.li, to: '110' })).decision).toBe('emergency');

    await patchMember(t, g, li.id, { status: 'active' });
    expect((await decide(t, { from: NUMBERS.wang, to: '6002' })).decision).toBe('connect');
    expect((await decide(t, { from: NUMBERS.li, to: '6001' })).decision).toBe('connect');
  });

  it('a changed MSISDN: the old number is a stranger, the new one on-net', async () => {
    const t = await open();
    const g = await createVpnGroup(t);
    await addMember(t, g, NUMBERS.wang, { shortCode: '6001' });
    const li = await addMember(t, g, NUMBERS.li, { shortCode: '6002' });
    await patchMember(t, g, li.id, { msisdn: NUMBERS.zhang });
    expect((await decide(t, { from: NUMBERS.wang, to: NUMBERS.li })).callType).toBe('offnet');
    expect(await decide(t, { from: NUMBERS.wang, to: NUMBERS.zhang })).toMatchObject({
      callType: 'vpn_onnet',
      target: { memberId: li.id },
    });
    expect((await decide(t, { from: NUMBERS.wang, to: '6002' })).target?.msisdn).toBe(e164(NUMBERS.zhang));
  });

  it('sub-group links, rates and deletion change the tariff and codes at once', async () => {
    const t = await open();
    const g = await createVpnGroup(t, { onnetRateFenPerMinute: 4 });
    const wang = await addMember(t, g, NUMBERS.wang, { shortCode: '6001' });
    const li = await addMember(t, g, NUMBERS.li, { shortCode: '6002' });
    const call = { from: NUMBERS.wang, to: '6002' };
    expect((await decide(t, call)).tariff.rateFenPerMinute).toBe(4);

    const sub = await addSubgroup(t, g, { name: 'A', shortCode: '8000', onnetRateFenPerMinute: 1 }, [
      wang.id,
    ]);
    expect((await decide(t, call)).tariff.rateFenPerMinute).toBe(4);
    await joinSubgroup(t, g, sub.id, li.id);
    expect((await decide(t, call)).tariff.rateFenPerMinute).toBe(1);

    await t.call({
      method: 'PATCH',
      url: `/v1/groups/${g}/subgroups/${sub.id}`,
      payload: { onnetRateFenPerMinute: 2, shortCode: '8100' },
    });
    expect((await decide(t, call)).tariff.rateFenPerMinute).toBe(2);
    expect((await decide(t, { from: NUMBERS.wang, to: '8000' })).reason).toBe('unallocated_number');
    expect((await decide(t, { from: NUMBERS.wang, to: '8100' })).reason).toBe('not_callable');

    await leaveSubgroup(t, g, sub.id, li.id);
    expect((await decide(t, call)).tariff.rateFenPerMinute).toBe(4);

    await joinSubgroup(t, g, sub.id, li.id);
    await t.call({ method: 'DELETE', url: `/v1/groups/${g}/subgroups/${sub.id}` });
    expect((await decide(t, call)).tariff.rateFenPerMinute).toBe(4);
    expect((await decide(t, { from: NUMBERS.wang, to: '8100' })).reason).toBe('unallocated_number');
  });

  it('VPN settings: showShortCode, the own rate and the plan apply to the next call', async () => {
    const t = await open();
    const g = await createVpnGroup(t);
    await addMember(t, g, NUMBERS.wang, { shortCode: '6001' });
    await addMember(t, g, NUMBERS.li, { shortCode: '6002' });
    const call = { from: NUMBERS.wang, to: '6002' };
    expect(await decide(t, call)).toMatchObject({
      presentedCallerId: '6001',
      tariff: { rateFenPerMinute: 5 },
    });

    await putVpn(t, g, { showShortCode: false, onnetRateFenPerMinute: 1 });
    expect(await decide(t, call)).toMatchObject({
      presentedCallerId: e164(NUMBERS.wang),
      tariff: { rateFenPerMinute: 1 },
    });

    // 999 is unallocated under 3–6 digits, and not short-code-shaped under exactly 4.
    expect((await decide(t, { from: NUMBERS.wang, to: '999' })).reason).toBe('unallocated_number');
    await putVpn(t, g, { shortCodeLength: { min: 4, max: 4 } });
    expect((await decide(t, { from: NUMBERS.wang, to: '999' })).callType).toBe('offnet');
  });

  it('a changed home province changes roaming at once', async () => {
    const t = await open();
    const g = await createVpnGroup(t, { crossProvince: true });
    const wang = await addMember(t, g, NUMBERS.wang, { shortCode: '6001' });
    await addMember(t, g, NUMBERS.li, { shortCode: '6002' });
    const call: RouteBody = { from: NUMBERS.wang, to: '6002', location: { province: 'CN-BJ' } };
    expect((await decide(t, call)).roaming).toBe(true);
    await patchMember(t, g, wang.id, { homeProvince: 'CN-BJ' });
    expect((await decide(t, call)).roaming).toBe(false);
  });
});

describe('restart: the directory is rebuilt from SQLite', () => {
  it('a new app on the same data directory gives the same decisions', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpn-restart-'));
    dirs.push(dataDir);
    const first = await open({ dataDir });
    const g = await createVpnGroup(first, {
      shortCodeLength: { min: 3, max: 6 },
      crossProvince: true,
      showShortCode: true,
      onnetRateFenPerMinute: 4,
    });
    const other = await createVpnGroup(first, { showShortCode: false });
    const wang = await addMember(first, g, NUMBERS.wang, { shortCode: '6001' });
    const li = await addMember(first, g, NUMBERS.li, { shortCode: '6002' });
    const zhang = await addMember(first, g, NUMBERS.zhang, { shortCode: '6003', homeProvince: 'CN-BJ' });
    await addMember(first, g, NUMBERS.liu, { shortCode: '6004', status: 'suspended' });
    const chen = await addMember(first, g, NUMBERS.chen, { shortCode: '6005' });
    await addMember(first, other, NUMBERS.other, { shortCode: '6001' });
    await addSubgroup(first, g, { name: 'A', shortCode: '8000', onnetRateFenPerMinute: 2 }, [wang.id, li.id]);
    const gone = await addSubgroup(first, g, { name: 'B', shortCode: '8100', onnetRateFenPerMinute: 1 }, [
      wang.id,
      zhang.id,
    ]);
    // Changes after creation must be what the new process sees, not the first state.
    await patchMember(first, g, li.id, { shortCode: '6102' });
    await first.call({ method: 'DELETE', url: `/v1/groups/${g}/members/${chen.id}` });
    await first.call({ method: 'DELETE', url: `/v1/groups/${g}/subgroups/${gone.id}` });

    const calls: RouteBody[] = [
      { from: NUMBERS.wang, to: '6102' },
      { from: NUMBERS.wang, to: '6002' },
      { from: NUMBERS.wang, to: '6003' },
      { from: NUMBERS.wang, to: NUMBERS.zhang },
      { from: NUMBERS.wang, to: e164(NUMBERS.li) },
      { from: NUMBERS.wang, to: '6004' },
      { from: NUMBERS.liu, to: '6001' },
      { from: NUMBERS.wang, to: '6005' },
      { from: NUMBERS.wang, to: NUMBERS.chen },
      { from: NUMBERS.wang, to: '8000' },
      { from: NUMBERS.wang, to: '8000', service: 'sms' },
      { from: NUMBERS.wang, to: '8100' },
      { from: NUMBERS.wang, to: NUMBERS.other },
      { from: NUMBERS.other, to: '6001' },
      { from: NUMBERS.stranger, to: NUMBERS.wang },
      { from: NUMBERS.zhang, to: '6001', location: { province: 'CN-HE' } },
      { from: NUMBERS.wang, to: '110' },
      { from: NUMBERS.wang, to: '95100' },
    ].map((call) => ({ ...call, at: '2026-11-24T10:00:00+08:00' }) as RouteBody);
    const before = [];
    for (const call of calls) before.push(await decide(first, call));
    // Sanity: the set covers what matters.
    expect(before.map((d) => d.reason)).toEqual([
      'vpn_short_code',
      'unallocated_number',
      'vpn_short_code',
      'vpn_long_number',
      'vpn_long_number',
      'callee_suspended',
      'caller_suspended',
      'unallocated_number',
      'offnet',
      'not_callable',
      'vpn_subgroup_code',
      'unallocated_number',
      'offnet',
      'vpn_short_code',
      'offnet',
      'vpn_short_code',
      'emergency_number',
      'conference_access_number',
    ]);
    expect(before[0]?.tariff.rateFenPerMinute).toBe(2);
    expect(before[2]?.tariff.rateFenPerMinute).toBe(4);
    await first.close();

    const second = await open({ dataDir });
    const after = [];
    for (const call of calls) after.push(await decide(second, call));
    expect(after).toEqual(before);

    // And it keeps writing through after the restart.
    await patchMember(second, g, li.id, { status: 'suspended' });
    expect((await decide(second, { from: NUMBERS.wang, to: '6102' })).reason).toBe('callee_suspended');
  });
});
