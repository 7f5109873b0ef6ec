import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGroup, createMember, createTestApp, type TestApp } from '../../helpers/app.js';

// Budgets count one-second windows of the wall clock that open at a key's (or address's) first
// request: each test spends its budget in a few milliseconds, well inside one window.
let t: TestApp;
afterEach(() => t.close());

async function partnerKey(rateLimitPerSecond?: number) {
  const groupId = await createGroup(t);
  const res = await t.call({
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: 'crm', groupIds: [groupId], ...(rateLimitPerSecond ? { rateLimitPerSecond } : {}) },
  });
  expect(res.statusCode).toBe(201);
  return { groupId, key: res.json().key as string, id: res.json().id as string };
}

describe('per-key request budgets', () => {
  it("answer 429 problem+json with Retry-After and RateLimit headers once a key's budget is spent", async () => {
    t = await createTestApp({ rateLimitPerSecond: 1000 });
    const partner = await partnerKey(3);
    const read = () => t.call({ method: 'GET', url: `/v1/groups/${partner.groupId}`, key: partner.key });
    const within = [await read(), await read(), await read()];
    expect(within.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(within.map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
    expect(within[0]?.headers['ratelimit-limit']).toBe('3');

    const refused = await read();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers).toMatchObject({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '1',
    });

    // The routing hot path is budgeted too; other keys are not touched by this one's budget.
    const [a, b] = [
      await createMember(t, partner.groupId, { msisdn: '13803110001', name: '王明' }),
      '13803110002',
    ];
    const route = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: a.msisdn, to: b },
      key: partner.key,
    });
    expect(route.statusCode).toBe(429);
    expect((await t.call({ method: 'GET', url: `/v1/groups/${partner.groupId}` })).statusCode).toBe(200);
  });

  it('gives a partner key the configured default, and leaves the admin key unthrottled', async () => {
    t = await createTestApp({ rateLimitPerSecond: 5 });
    const partner = await partnerKey();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await t.call({ method: 'GET', url: '/v1/groups', key: partner.key })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    for (let i = 0; i < 30; i++) {
      const res = await t.call({ method: 'GET', url: '/v1/groups' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  it('budgets the admin key when configured', async () => {
    t = await createTestApp({ adminRateLimitPerSecond: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await t.call({ method: 'GET', url: '/v1/groups' })).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
    // Public routes need no key and have no budget.
    expect((await t.call({ method: 'GET', url: '/healthz', key: null })).statusCode).toBe(200);
  });
});

describe('failed authentications', () => {
  it('are budgeted per client address: past the budget, 429 before any key is checked', async () => {
    t = await createTestApp({ authFailuresPerSecond: 4 });
    const partner = await partnerKey();
    // Remembered from an earlier request: it never consults the budget.
    expect((await t.call({ method: 'GET', url: '/v1/groups', key: partner.key })).statusCode).toBe(200);
    const wrong = (i: number, remoteAddress = '203.0.113.7') =>
      t.call({ method: 'GET', url: '/v1/groups', key: `sk_wrong-${i}`, remoteAddress });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await wrong(i)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const verify = vi.spyOn(t.app.services.apiKeys, 'authenticate');
    const refused = await wrong(99);
    expect(refused.statusCode).toBe(429);
    expect(verify).not.toHaveBeenCalled();
    verify.mockRestore();
    expect(refused.json().code).toBe('rate_limited');
    expect(refused.headers['retry-after']).toBe('1');
    // Even the right key, not yet remembered, waits from that address; others are not touched.
    const fresh = await partnerKey();
    expect(
      (await t.call({ method: 'GET', url: '/v1/groups', key: fresh.key, remoteAddress: '203.0.113.7' }))
        .statusCode,
    ).toBe(429);
    expect((await wrong(100, '198.51.100.1')).statusCode).toBe(401);
    expect((await t.call({ method: 'GET', url: '/v1/groups', key: partner.key })).statusCode).toBe(200);
    expect((await t.call({ method: 'GET', url: '/v1/groups', key: fresh.key })).statusCode).toBe(200);
  });

  it('throttles requests without any key the same way', async () => {
    t = await createTestApp({ authFailuresPerSecond: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await t.call({ method: 'GET', url: '/v1/groups', key: null })).statusCode);
    expect(statuses).toEqual([401, 401, 429]);
  });
});
