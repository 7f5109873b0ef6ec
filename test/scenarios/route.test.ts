import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGroup,
  createMember,
  createPartnerKey,
  createTestApp,
  T0,
  type TestApp,
} from '../helpers/app.js';

/** POST /v1/scenarios/run: a posted scenario runs in a sandbox app of its own. */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const SCENARIO = {
  name: 'short code call',
  clock: { start: '2026-11-24T09:00:00+08:00' },
  setup: {
    groups: {
      huabei: {
        name: '河北华北电力设备有限公司',
        vpn: {},
        members: {
          wang: { msisdn: '13803110001', name: '王明', shortCode: '601' },
          li: { msisdn: '13803110002', name: '李华', shortCode: '602' },
        },
      },
    },
  },
  steps: [
    {
      call: { from: 'wang', to: '602' },
      as: 'call1',
      expect: { state: 'ringing', presentedCallerId: '601' },
    },
    { act: { call: 'call1', action: 'answer' } },
    { clock: { advance: '1m' } },
    { sms: { from: 'li', to: '601', text: '收到' } },
    { act: { call: 'call1', action: 'hangup' }, expect: { state: 'ended' } },
  ],
};

const run = (payload: unknown, key?: string) =>
  t.call({
    method: 'POST',
    url: '/v1/scenarios/run',
    payload: payload as object,
    ...(key === undefined ? {} : { key }),
  });

// Each run starts a worker thread that loads the app (under vitest from the TypeScript sources).
describe('POST /v1/scenarios/run', { timeout: 120_000 }, () => {
  it('runs a JSON scenario and answers the report (200, passed)', async () => {
    const res = await run(SCENARIO);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ name: 'short code call', target: 'in-process', passed: true, notes: [] });
    expect(report.steps.map((s: { label: string; outcome: string }) => [s.label, s.outcome])).toEqual([
      ['setup', 'passed'],
      ['call wang → 602 as call1', 'passed'],
      ['call1 answer', 'passed'],
      ['clock +1m', 'passed'],
      ['sms li → 601: 收到', 'passed'],
      ['call1 hangup', 'passed'],
    ]);
    expect(report.steps[1]).toMatchObject({ status: 201, durationMs: expect.any(Number) });
  });

  it('runs a YAML scenario given as {yaml}', async () => {
    const yaml = readFileSync(
      path.resolve(import.meta.dirname, '../../scenarios/switchboard-auto-transfer.yaml'),
      'utf8',
    );
    const res = await run({ yaml });
    expect(res.statusCode).toBe(200);
    expect(res.json().passed).toBe(true);
  });

  it('a failing scenario is still a 200, with the diff and the event log', async () => {
    const wrong = structuredClone(SCENARIO);
    wrong.steps[0]!.expect = { state: 'connected', presentedCallerId: '601' };
    const res = await run(wrong);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.passed).toBe(false);
    expect(report.steps[1]).toMatchObject({
      outcome: 'failed',
      mismatches: [
        {
          path: 'state',
          expected: 'connected',
          actual: 'ringing',
          message: 'expected "connected", got "ringing"',
        },
      ],
      eventLog: { alias: 'call1', events: [{ type: 'routed' }, { type: 'ringing' }] },
    });
    expect(report.steps.slice(2).every((s: { outcome: string }) => s.outcome === 'skipped')).toBe(true);
  });

  it('an invalid scenario is a 400 naming the path (and the line, in YAML)', async () => {
    const json = await run({ ...SCENARIO, steps: [{ call: { from: 'wang', to: 'lii' } }] });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'body.steps.0.call.to', message: 'unknown alias "lii" (did you mean "li"?)' }],
    });
    const yaml = await run({ yaml: 'name: x\nsteps:\n  - call: { from: wang, to: 602 }\n' });
    expect(yaml.statusCode).toBe(400);
    expect(yaml.json().errors).toEqual([
      {
        path: 'body.yaml.steps.0.call.to',
        message:
          "line 3, column 29: a party must be a quoted string: YAML reads 602 as a number (write '602')",
      },
    ]);
    const empty = await run({});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.name', 'body.steps']);
    const tooLong = await run({
      name: 'x',
      steps: Array.from({ length: 501 }, () => ({ get: '/v1/groups' })),
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors[0].path).toBe('body.steps');
  });

  it('never touches the service’s own data or clock', async () => {
    // The service already has a group whose member holds the MSISDN the scenario creates too.
    const groupId = await createGroup(t);
    await createMember(t, groupId, { msisdn: '13803110001', name: '王明' });
    const snapshot = async () => ({
      groups: (await t.call({ method: 'GET', url: '/v1/groups' })).json(),
      calls: (await t.call({ method: 'GET', url: '/v1/calls' })).json(),
      cdrs: (await t.call({ method: 'GET', url: '/v1/cdrs' })).json(),
      inbox: (await t.call({ method: 'GET', url: '/v1/messages?to=13803110001' })).json(),
      clock: (await t.call({ method: 'GET', url: '/v1/sim/clock' })).json(),
    });
    const before = await snapshot();
    const res = await run(SCENARIO);
    expect(res.json().passed).toBe(true);
    expect(await snapshot()).toEqual(before);
    expect(before.clock.now).toBe(new Date(T0).toISOString());
    expect(before.groups.items).toHaveLength(1);
  });

  it('any valid key may call it; none is a 401', async () => {
    const groupId = await createGroup(t);
    const partner = await createPartnerKey(t, [groupId]);
    expect((await run(SCENARIO, partner)).statusCode).toBe(200);
    expect((await run(SCENARIO, null as unknown as string)).statusCode).toBe(401);
  });

  it('runs one at a time per key; a second at once is a 429 with Retry-After', async () => {
    const groupId = await createGroup(t);
    const [partner, other] = [await createPartnerKey(t, [groupId]), await createPartnerKey(t, [groupId])];
    const [admin, second, third] = await Promise.all([run(SCENARIO), run(SCENARIO), run(SCENARIO, partner)]);
    expect([admin.statusCode, third.statusCode]).toEqual([200, 200]);
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBe('2');
    expect(second.json()).toMatchObject({ code: 'scenario_runs_busy' });
    // The places are free again (the limit in all is unit-tested in sandbox.test.ts).
    expect((await run({ name: 'x', steps: [{ get: 'groups' }] }, other)).statusCode).toBe(400);
  });

  it('is in the OpenAPI document under the scenarios tag', async () => {
    const doc = (await t.call({ method: 'GET', url: '/openapi.json', key: null })).json();
    expect(doc.paths['/v1/scenarios/run'].post).toMatchObject({
      operationId: 'runScenario',
      tags: ['scenarios'],
    });
  });
});
