import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_TARIFF } from '../../../src/engines/rating/sample-tariff.js';
import {
  createGroup,
  createPartnerKey,
  createTestApp,
  HEBEI_ENTERPRISE,
  T0,
  type TestApp,
} from '../../helpers/app.js';
import { iso, newCall, step, vpnPair } from '../calls/setup.js';
import { createTone } from '../ringback/setup.js';
import { NUMBERS } from '../vpn/fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const subscribe = (groupId: string, payload: Record<string, unknown>) =>
  t.call({ method: 'POST', url: `/v1/groups/${groupId}/subscriptions`, payload });
const billOf = async (groupId: string, period: string) => {
  const res = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/bills/${period}` });
  if (res.statusCode !== 200) throw new Error(`bill: ${res.body}`);
  return res.json() as { period: string; lines: Array<Record<string, unknown>>; totalFen: number };
};

/** A connected call of `seconds` between the two members at `atMs`. */
async function talk(to: string, atMs: number, seconds: number) {
  const call = await newCall(t, { from: NUMBERS.wang, to, at: iso(atMs) });
  await step(t, call.id, { action: 'answer', at: iso(atMs) });
  return step(t, call.id, { action: 'hangup', at: iso(atMs + seconds * 1000) });
}

describe('subscriptions', () => {
  it('create, list, update and delete', async () => {
    const groupId = await createGroup(t);
    const created = await subscribe(groupId, { product: 'switchboard', startDate: '2026-11-16' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      product: 'switchboard',
      quantity: null,
      startDate: '2026-11-16',
      endDate: null,
    });
    const id = created.json().id;
    const patched = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${groupId}/subscriptions/${id}`,
      payload: { endDate: '2026-12-31', quantity: 2 },
    });
    expect(patched.json()).toMatchObject({ quantity: 2, endDate: '2026-12-31' });
    const list = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/subscriptions` });
    expect(list.json().items).toHaveLength(1);
    expect(
      (await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}/subscriptions/${id}` })).statusCode,
    ).toBe(204);
    expect(
      (await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}/subscriptions/${id}` })).statusCode,
    ).toBe(404);
  });

  it.each([
    [{ product: 'fax', startDate: '2026-11-01' }, 400, 'body.product'],
    [{ product: 'vpn', startDate: '2026-13-01' }, 400, 'body.startDate'],
    [{ product: 'vpn', startDate: '2026-11-10', endDate: '2026-11-09' }, 422, 'body.endDate'],
    [{ product: 'conference', startDate: '2026-11-01' }, 422, 'body.packageId'],
    [{ product: 'conference', packageId: 'conf-9', startDate: '2026-11-01' }, 422, 'body.packageId'],
    [{ product: 'vpn', packageId: 'conf-300', startDate: '2026-11-01' }, 422, 'body.packageId'],
  ])('%j → %i naming %s', async (payload, status, path) => {
    const groupId = await createGroup(t);
    const res = await subscribe(groupId, payload);
    expect(res.statusCode).toBe(status);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('subscriptions changed by requests at once', () => {
  it('deleting the same subscription at once: one 204, the others 404, and it is gone', async () => {
    const groupId = await createGroup(t);
    const id = (await subscribe(groupId, { product: 'vpn', startDate: '2026-11-01' })).json().id;
    const url = `/v1/groups/${groupId}/subscriptions/${id}`;
    const statuses = (
      await Promise.all(Array.from({ length: 5 }, () => t.call({ method: 'DELETE', url })))
    ).map((res) => res.statusCode);
    expect(statuses.sort()).toEqual([204, 404, 404, 404, 404]);
    expect(
      (await t.call({ method: 'GET', url: `/v1/groups/${groupId}/subscriptions` })).json().items,
    ).toEqual([]);
  });

  it('patching different fields at once keeps every change; a patch and a delete at once leave it deleted', async () => {
    const groupId = await createGroup(t);
    const id = (await subscribe(groupId, { product: 'switchboard', startDate: '2026-11-01' })).json().id;
    const url = `/v1/groups/${groupId}/subscriptions/${id}`;
    const [quantity, end] = await Promise.all([
      t.call({ method: 'PATCH', url, payload: { quantity: 3 } }),
      t.call({ method: 'PATCH', url, payload: { endDate: '2026-12-31' } }),
    ]);
    expect([quantity.statusCode, end.statusCode]).toEqual([200, 200]);
    const items = (await t.call({ method: 'GET', url: `/v1/groups/${groupId}/subscriptions` })).json().items;
    expect(items).toEqual([expect.objectContaining({ id, quantity: 3, endDate: '2026-12-31' })]);

    const [removed, patched] = await Promise.all([
      t.call({ method: 'DELETE', url }),
      t.call({ method: 'PATCH', url, payload: { quantity: 4 } }),
    ]);
    // Whichever landed first, the answers tell the truth: gone, and no patch after the delete.
    expect(removed.statusCode).toBe(204);
    expect([200, 404]).toContain(patched.statusCode);
    expect(
      (await t.call({ method: 'GET', url: `/v1/groups/${groupId}/subscriptions` })).json().items,
    ).toEqual([]);
  });
});

describe('GET /v1/groups/{groupId}/bills/{period}', () => {
  it('prorates recurring fees by day, adds tone production, rates usage per call type; total is the sum', async () => {
    const { groupId } = await vpnPair(t);
    await subscribe(groupId, { product: 'switchboard', quantity: 1, startDate: '2026-11-16' });
    await subscribe(groupId, { product: 'ringback', startDate: '2026-10-01' }); // 2 members, whole month
    await createTone(t, groupId, '欢迎致电'); // made at T0, in November
    await talk('602', T0, 61); // 2 minutes on-net at 5 fen
    await talk('01012345678', T0 + 3_600_000, 30); // 1 minute off-net at 15 fen
    const bill = await billOf(groupId, '2026-11');
    expect(bill.period).toBe('2026-11');
    expect(bill.lines.map((l) => [l.kind, l.product, l.quantity, l.amountFen])).toEqual([
      ['recurring', 'switchboard', 1, 10_000], // 15 of 30 days of 200 yuan
      ['recurring', 'ringback', 2, 1_000],
      ['one_off', 'ringback', 1, 10_000],
      ['usage', 'voice', 1, 15],
      ['usage', 'vpn', 2, 10],
    ]);
    expect(bill.totalFen).toBe(21_025);
    // The same month again: the same numbers.
    expect(await billOf(groupId, '2026-11')).toEqual(bill);
    // October had the ringback subscription only.
    const october = await billOf(groupId, '2026-10');
    expect(october.lines.map((l) => [l.kind, l.amountFen])).toEqual([['recurring', 1_000]]);
  });

  it('the month is the group’s local month: a call at 23:30 local on the last day belongs to it', async () => {
    const { groupId } = await vpnPair(t);
    await talk('602', Date.parse('2026-11-30T23:30:00+08:00'), 10);
    expect((await billOf(groupId, '2026-11')).totalFen).toBe(5);
    expect((await billOf(groupId, '2026-12')).totalFen).toBe(0);
  });

  it('a bad period is a 400; another group’s bill is a 404 for a partner', async () => {
    const groupId = await createGroup(t);
    const bad = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/bills/2026-13` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('params.period');
    const other = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '别的公司' });
    const key = await createPartnerKey(t, [other]);
    expect(
      (await t.call({ method: 'GET', url: `/v1/groups/${groupId}/bills/2026-11`, key })).statusCode,
    ).toBe(404);
  });
});

describe('tariff versions', () => {
  it('calls after a new version use its rate; earlier CDRs keep the rate they were rated at', async () => {
    const { groupId } = await vpnPair(t);
    await talk('01012345678', T0, 60); // 15 fen
    const next = structuredClone(SAMPLE_TARIFF.rates);
    next.voice.offnetFenPerMinute = 20;
    const put = await t.call({
      method: 'PUT',
      url: '/v1/tariffs',
      payload: { effectiveFrom: '2026-12-01', rates: next },
    });
    expect(put.statusCode).toBe(200);
    await talk('01012345678', Date.parse('2026-12-02T10:00:00+08:00'), 60);
    const cdrs = (await t.call({ method: 'GET', url: '/v1/cdrs' })).json().items;
    expect(
      cdrs.map((c: { rateFenPerMinute: number; chargeFen: number }) => [c.rateFenPerMinute, c.chargeFen]),
    ).toEqual([
      [15, 15],
      [20, 20],
    ]);
    expect((await billOf(groupId, '2026-11')).totalFen).toBe(15);
    expect((await billOf(groupId, '2026-12')).totalFen).toBe(20);
  });
});

describe('CSV export of CDRs', () => {
  it('streams every matching CDR with a header, quoting what needs it; JSON stays the default', async () => {
    const { groupId } = await vpnPair(t);
    for (let i = 0; i < 3; i++) await talk('602', T0 + i * 60_000, 10);
    const res = await t.call({
      method: 'GET',
      url: `/v1/cdrs?groupId=${groupId}&limit=1`,
      headers: { accept: 'text/csv' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,callId,groupId,callType,from,to,presentedCallerId,startedAt,answeredAt,endedAt,billableSeconds,tariffClass,rateFenPerMinute,chargeFen',
    );
    expect(lines).toHaveLength(4); // limit does not page an export
    expect(lines[1]).toContain(`,${groupId},vpn_short,+8613803110001,602,601,${iso(T0)},`);
    expect(lines[1]?.endsWith(',10,onnet,5,5')).toBe(true);
    const json = await t.call({ method: 'GET', url: '/v1/cdrs?limit=1' });
    expect(json.json().items).toHaveLength(1);
    const filtered = await t.call({
      method: 'GET',
      url: '/v1/cdrs?callType=offnet',
      headers: { accept: 'text/csv' },
    });
    expect(filtered.body.trimEnd().split('\r\n')).toHaveLength(1);
  });

  it('a partner’s export holds only its groups', async () => {
    await vpnPair(t);
    await talk('602', T0, 10);
    const other = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '别的公司' });
    const key = await createPartnerKey(t, [other]);
    const res = await t.call({ method: 'GET', url: '/v1/cdrs', headers: { accept: 'text/csv' }, key });
    expect(res.body.trimEnd().split('\r\n')).toHaveLength(1);
  });
});

describe('conference charges on the bill', () => {
  it('the host group pays participant-minutes: usage without a package, allowance with one', async () => {
    const { groupId } = await vpnPair(t);
    const created = await t.call({
      method: 'POST',
      url: '/v1/conferences',
      payload: { hostMsisdn: NUMBERS.wang, participants: [{ msisdn: NUMBERS.li }] },
    });
    expect(created.statusCode).toBe(201);
    const conference = created.json();
    for (const p of conference.participants) await step(t, p.callId, { action: 'answer' });
    t.clock.advanceTo(T0 + 90_000); // 90 s joined: 2 started minutes each, 4 participant-minutes
    const ended = await t.call({
      method: 'POST',
      url: `/v1/conferences/${conference.id}/actions`,
      payload: { action: 'end' },
    });
    expect(ended.statusCode).toBe(200);
    const usage = (await billOf(groupId, '2026-11')).lines.filter((l) => l.product === 'conference');
    expect(usage).toEqual([expect.objectContaining({ kind: 'usage', quantity: 4, amountFen: 40 })]);
    await subscribe(groupId, { product: 'conference', packageId: 'conf-300', startDate: '2026-11-01' });
    const withPackage = (await billOf(groupId, '2026-11')).lines.filter((l) => l.product === 'conference');
    expect(withPackage.map((l) => [l.kind, l.quantity, l.amountFen])).toEqual([
      ['recurring', 1, 2_000],
      ['allowance', 4, 0],
    ]);
  });
});
