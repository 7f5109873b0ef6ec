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

/** Waits (bounded) until the next sample has seen the pressure. */
async function untilUnderPressure(app: TestApp): Promise<void> {
  for (let waited = 0; !app.app.isUnderPressure(); waited += 10) {
    if (waited > 3000) throw new Error('never under pressure');
    await sleep(10);
  }
}

async function expectShedAndHealthy(app: TestApp) {
  const shed = await app.call({ method: 'GET', url: '/v1/groups' });
  expect(shed.statusCode).toBe(503);
  expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(shed.headers['retry-after']).toBe('3');
  expect(shed.json()).toMatchObject({ status: 503, code: 'overloaded' });
  // Not even authenticated: shedding comes first, so it stays cheap.
  expect((await app.call({ method: 'GET', url: '/v1/groups', key: null })).statusCode).toBe(503);

  const started = performance.now();
  const health = await app.call({ method: 'GET', url: '/healthz', key: null });
  expect(performance.now() - started).toBeLessThan(100);
  expect(health.statusCode).toBe(200);
  expect(health.json()).toEqual({ status: 'ok' });
}

describe('load shedding', () => {
  it('past the event-loop delay threshold: 503 overloaded with Retry-After; /healthz still answers quickly', async () => {
    t = await createTestApp(overload({ maxEventLoopDelayMs: 20, sampleIntervalMs: 1000 }));
    await t.app.ready();
    expect((await t.call({ method: 'GET', url: '/v1/groups' })).statusCode).toBe(200);
    // Keep the event loop busy for 300 ms: the sample's mean delay goes past 20 ms.
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // busy on purpose
    }
    await untilUnderPressure(t);
    await expectShedAndHealthy(t);
  });

  it('past the heap threshold: 503 overloaded as well', async () => {
    t = await createTestApp(overload({ maxHeapUsedMb: 1, sampleIntervalMs: 20 }));
    await t.app.ready();
    await untilUnderPressure(t);
    await expectShedAndHealthy(t);
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
