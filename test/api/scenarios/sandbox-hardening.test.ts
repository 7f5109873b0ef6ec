import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { testConfig } from '../../../src/config.js';
import { simulatedClock } from '../../../src/domain/clock.js';
import type { SandboxLimits } from '../../../src/sim/scenario/sandbox.js';
import { ADMIN_KEY, T0 } from '../../helpers/app.js';

/**
 * POST /v1/scenarios/run cannot stall the service: caller patterns run on RE2, a run is in a
 * worker thread stopped at its deadline or past its heap cap, and bad YAML is a 400. Each run
 * starts a worker that loads the app from the TypeScript sources, hence the long timeouts.
 */

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function sandboxApp(limits: Partial<SandboxLimits> = {}): Promise<FastifyInstance> {
  app = await buildApp({ config: testConfig(), clock: simulatedClock(T0), scenarioSandbox: limits });
  return app;
}

const run = (target: FastifyInstance, payload: unknown) =>
  target.inject({
    method: 'POST',
    url: '/v1/scenarios/run',
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    payload: payload as object,
  });

/**
 * Pings /healthz every 20 ms until `work` settles; returns work's answer and the pings' 90th
 * percentile latency. A held event loop would answer one ping late and few in all; the
 * percentile, not the slowest, because the CI machine's scheduler alone now and then delays
 * one ping by a second, sandbox or not.
 */
async function whilePinging<T>(
  target: FastifyInstance,
  work: Promise<T>,
): Promise<{ result: T; p90Ms: number; pings: number }> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  while (!done) {
    const started = performance.now();
    const res = await target.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  latencies.sort((a, b) => a - b);
  const p90Ms = latencies[Math.floor(latencies.length * 0.9)] ?? Number.POSITIVE_INFINITY;
  return { result: await settled, p90Ms, pings: latencies.length };
}

const MEMBER = { msisdn: '13803110001', name: 'a'.repeat(31) };

describe('the scenario sandbox under attack', { timeout: 120_000 }, () => {
  it('a $regex RE2 cannot run (a backreference) is a 400 at its path, and /healthz stays fast', async () => {
    const target = await sandboxApp();
    const started = performance.now();
    const { result, p90Ms, pings } = await whilePinging(
      target,
      run(target, {
        name: 'redos',
        setup: { groups: { g: { name: 'g', members: { a: MEMBER } } } },
        steps: [
          { get: '/v1/groups/{g}/members/{a}' },
          { get: '/v1/groups/{g}/members/{a}', expect: { name: { $regex: '^(a+)+\\1$' } } },
        ],
      }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.json()).toMatchObject({
      code: 'validation_failed',
      errors: [
        {
          path: 'body.steps.1.expect.name.$regex',
          message: expect.stringContaining('$regex cannot run this pattern: invalid escape sequence'),
        },
      ],
    });
    // The 37 s the backtracking engine took is gone: the answer comes as soon as a worker has read it.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(pings).toBeGreaterThan(2);
    expect(p90Ms).toBeLessThan(100);
  });

  it('a run that burns CPU in one step is stopped at its deadline, with its report, while /healthz stays fast', async () => {
    const target = await sandboxApp({ timeLimitMs: 4_000, graceMs: 1_000 });
    // 1,000 holidays matched in any order by 999 patterns that fit every one and one that fits
    // none, 40 times over: each round tries every pairing, a minute or so of matching in all.
    const day = Date.parse('2027-01-01T00:00:00Z');
    const holidays = Array.from({ length: 1000 }, (_, i) =>
      new Date(day + i * 86_400_000).toISOString().slice(0, 10),
    );
    const anyOrder = {
      $unordered: [...Array.from({ length: 999 }, () => ({ $regex: '' })), { $regex: 'x' }],
    };
    const { result, p90Ms, pings } = await whilePinging(
      target,
      run(target, {
        name: 'burn',
        setup: { groups: { g: { name: 'g' } } },
        steps: [
          {
            request: { method: 'PUT', path: '/v1/groups/{g}/calendar', body: { holidays, workdays: [] } },
            expect: { holidays: { $oneOf: Array.from({ length: 40 }, () => anyOrder) } },
          },
          { get: '/v1/groups' },
        ],
      }),
    );
    expect(result.statusCode).toBe(200);
    const report = result.json();
    expect(report).toMatchObject({ name: 'burn', passed: false, stopped: 'time_limit' });
    expect(report.error).toMatch(/stopped at the sandbox's 4 s time limit/);
    expect(report.steps.map((s: { label: string; outcome: string }) => [s.label, s.outcome])).toEqual([
      ['setup', 'passed'],
      ['PUT /v1/groups/{g}/calendar', 'failed'],
      ['GET /v1/groups', 'skipped'],
    ]);
    // The step burned past the 5 s hard deadline: a held loop would have answered few pings.
    expect(pings).toBeGreaterThan(50);
    expect(p90Ms).toBeLessThan(100);
  });

  it('a run past its heap cap is stopped and answered; the service runs on', async () => {
    // Each alias keeps what the API answered: 500 copies of the OpenAPI document do not fit.
    const target = await sandboxApp({ heapMb: 64 });
    const steps = Array.from({ length: 500 }, (_, i) => ({ get: '/openapi.json', as: `doc${i}` }));
    const res = await run(target, { name: 'hoard', steps });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ name: 'hoard', passed: false, stopped: 'memory_limit' });
    expect(report.error).toMatch(/memory limit \(64 MiB of heap\)/);
    const outcomes = report.steps.map((s: { outcome: string }) => s.outcome);
    expect(outcomes.indexOf('failed')).toBeGreaterThan(0);
    expect(outcomes.slice(outcomes.indexOf('failed') + 1).every((o: string) => o === 'skipped')).toBe(true);
    expect((await target.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('bad YAML is a 400 at body.yaml: an unknown alias, an alias bomb, deep nesting', async () => {
    const target = await sandboxApp();
    const unknown = await run(target, { yaml: '*a' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([
      {
        path: 'body.yaml',
        message: 'line 1, column 1: YAML: unknown alias *a (an anchor &a must come before its alias)',
      },
    ]);
    const lol = Array.from(
      { length: 9 },
      (_, i) =>
        `l${i}: &l${i} [${Array.from({ length: 9 }, () => (i === 0 ? 'lol' : `*l${i - 1}`)).join(', ')}]`,
    );
    const bomb = await run(target, { yaml: `${lol.join('\n')}\nname: x\nsteps: [{ get: /v1/groups }]\n` });
    expect(bomb.statusCode).toBe(400);
    expect(bomb.json().errors).toEqual([
      {
        path: 'body.yaml',
        message: expect.stringMatching(/^line 2, column \d+: YAML: aliases expand too far/),
      },
    ]);
    const deep = await run(target, { yaml: `name: x\nsteps: ${'['.repeat(100_000)}` });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().errors[0]).toEqual({
      path: 'body.yaml',
      message: expect.stringMatching(/^line 2, column \d+: YAML: nested too deeply/),
    });
    const huge = await run(target, { yaml: `name: x\ndescription: ${'x'.repeat(300 * 1024)}\n` });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors[0].message).toMatch(/^YAML: at most 256 KiB of text/);
  });

  it('a JSON scenario nested past 64 levels is a 400 naming where', async () => {
    const target = await sandboxApp();
    // As text: the test's own JSON.stringify would not survive 10,000 levels.
    const res = await target.inject({
      method: 'POST',
      url: '/v1/scenarios/run',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      payload: `{"name":"deep","steps":[{"get":"/v1/groups","expect":${'['.repeat(10_000)}1${']'.repeat(10_000)}}]}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      {
        path: `body.steps.0.expect${'.0'.repeat(61)}`,
        message: 'nested too deeply (at most 64 levels)',
      },
    ]);
  });
});
