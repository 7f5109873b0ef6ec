import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

/**
 * Load shedding: past a threshold every request answers 503 problem+json with Retry-After at
 * once, while /healthz keeps answering. Thresholds are lowered through the config.
 */
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const overload = (o: Partial<Config['overload']>): Partial<Config> => ({
  overload: {
    maxEventLoopDelayMs: 0,
    maxHeapUsedMb: 0,
    maxRssMb: 0,
    sampleIntervalMs: 1000,
    retryAfterSeconds: 3,
    ...o,
  },
});

/** Polls (bounded) until a request is shed; returns that answer. */
async function untilShed(app: TestApp, key?: string | null) {
  for (let waited = 0; waited < 3000; waited += 10) {
    const res = await app.call({ method: 'GET', url: '/v1/groups', key });
    if (res.statusCode === 503) return res;
    expect(res.statusCode).toBe(key === null ? 401 : 200);
    await sleep(10);
  }
  throw new Error('never shed');
}

async function expectShedAndHealthy(app: TestApp, shed: Awaited<ReturnType<TestApp['call']>>) {
  expect(shed.statusCode).toBe(503);
  expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(shed.headers['retry-after']).toBe('3');
  expect(shed.json()).toMatchObject({ status: 503, code: 'overloaded' });

  const started = performance.now();
  const health = await app.call({ method: 'GET', url: '/healthz', key: null });
  expect(performance.now() - started).toBeLessThan(100);
  expect(health.statusCode).toBe(200);
  expect(health.json()).toEqual({ status: 'ok' });
}

describe('load shedding', () => {
  it('past the event-loop delay threshold: 503 overloaded with Retry-After; /healthz still answers quickly', async () => {
    t = await createTestApp(overload({ maxEventLoopDelayMs: 20, sampleIntervalMs: 200 }));
    await t.app.ready();
    // Samples count from two intervals after start-up, whose own blocking is not load.
    await sleep(450);
    expect((await t.call({ method: 'GET', url: '/v1/groups' })).statusCode).toBe(200);
    // Keep the event loop busy for 300 ms: the sample's mean delay goes past 20 ms.
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // busy on purpose
    }
    await expectShedAndHealthy(t, await untilShed(t));
  });

  it('past the heap threshold: 503 overloaded as well, before authentication', async () => {
    t = await createTestApp(overload({ maxHeapUsedMb: 1, sampleIntervalMs: 20 }));
    await t.app.ready();
    await expectShedAndHealthy(t, await untilShed(t, null));
    expect((await t.call({ method: 'GET', url: '/v1/groups' })).statusCode).toBe(503);
  });

  it('a fresh process is not shed for the blocking of its own start-up', async () => {
    t = await createTestApp(overload({ maxEventLoopDelayMs: 100, sampleIntervalMs: 250 }));
    // Start-up blocking a whole sample (not one tick in it) reads as an infinite delay.
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // busy on purpose
    }
    await t.app.ready();
    for (let i = 0; i < 5; i++) {
      expect((await t.call({ method: 'GET', url: '/v1/groups' })).statusCode).toBe(200);
      await sleep(60);
    }
  });

  it('admits requests while under the thresholds', async () => {
    t = await createTestApp(
      overload({ maxEventLoopDelayMs: 1000, maxHeapUsedMb: 100_000, sampleIntervalMs: 100 }),
    );
    await t.app.ready();
    await sleep(250);
    expect(t.app.isUnderPressure()).toBe(false);
    expect((await t.call({ method: 'GET', url: '/v1/groups' })).statusCode).toBe(200);
  });
});
