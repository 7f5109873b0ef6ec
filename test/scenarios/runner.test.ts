import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { parseScenarioText } from '../../src/sim/scenario/parse.js';
import { formatScenario } from '../../src/sim/scenario/report.js';
import { type ProgressEvent, runScenario } from '../../src/sim/scenario/runner.js';
import { inProcessTarget, type Target } from '../../src/sim/scenario/transport.js';

const target = inProcessTarget(buildApp);

const OFFICE = `name: office
clock: { start: 2026-11-24T09:00:00+08:00 }
setup:
  groups:
    huabei:
      name: 河北华北电力设备有限公司
      vpn: {}
      members:
        wang: { msisdn: '13803110001', name: 王明, shortCode: '601' }
        li: { msisdn: '13803110002', name: 李华, shortCode: '602' }
`;

const run = (text: string, options: Partial<Parameters<typeof runScenario>[1]> = {}) =>
  runScenario(parseScenarioText(text), { target, ...options });

describe('a failing scenario', () => {
  it('a wrong expectation fails its step with a per-field diff and the call’s event log; later steps are skipped', async () => {
    const report = await run(`${OFFICE}steps:
  - call: { from: wang, to: '602', at: '+0s' }
    as: call1
    expect:
      state: connected
      presentedCallerId: '601'
      target: { memberId: '{wang}' }
      events: [{ type: routed }, { type: answered }]
  - act: { call: call1, action: hangup }
`);
    expect(report.passed).toBe(false);
    const [setup, first, second] = report.steps;
    expect(setup).toMatchObject({ index: 0, label: 'setup', outcome: 'passed' });
    expect(second).toMatchObject({ index: 2, outcome: 'skipped' });
    expect(first).toMatchObject({ index: 1, outcome: 'failed', status: 201 });
    expect(first?.mismatches?.map((m) => m.path)).toEqual([
      'state',
      'target.memberId',
      'events[1]',
      'events[1] ~ closest [1].type',
    ]);
    expect(first?.mismatches?.[0]).toMatchObject({ expected: 'connected', actual: 'ringing' });
    // Ids carry their aliases in the messages.
    expect(first?.mismatches?.[1]?.message).toMatch(/expected "mem_\w+ \(wang\)", got "mem_\w+ \(li\)"/);
    expect(first?.eventLog?.alias).toBe('call1');
    expect(first?.eventLog?.events.map((e) => e.type)).toEqual(['routed', 'ringing']);

    const text = formatScenario(report);
    expect(text).toContain('✗ 1 call wang → 602 as call1');
    expect(text).toContain('    state: expected "connected", got "ringing"');
    expect(text).toContain('    event log of call1 (call_');
    expect(text).toMatch(/ringing msisdn=\+8613803110002 memberId=mem_\w+\(li\)/);
    expect(text).toContain('- 2 call1 hangup (skipped)');
    expect(text).toContain('✗ office: FAILED at 1 step(s), 2/3 steps run');
  });

  it('an unexpected status shows the problem the service answered, and the event log as it stands', async () => {
    const report = await run(`${OFFICE}steps:
  - call: { from: wang, to: '602' }
    as: call1
  - act: { call: call1, action: transfer, target: { extension: '8001' } }
`);
    const step = report.steps[2];
    expect(step?.outcome).toBe('failed');
    expect(step?.mismatches?.[0]).toMatchObject({ path: 'status', expected: '200', actual: 409 });
    expect(step?.mismatches?.[0]?.message).toMatch(
      /^expected 200, got 409 call_action_not_allowed: .*ringing/,
    );
    expect(step?.eventLog?.events.map((e) => e.type)).toEqual(['routed', 'ringing']);
    expect(step?.requests?.[0]).toMatchObject({ method: 'POST', status: 409 });
  });

  it('a step may expect a refusal', async () => {
    const report = await run(`${OFFICE}steps:
  - name: a short code taken twice is a 409
    request:
      method: PATCH
      path: /v1/groups/{huabei}/members/{li}
      body: { shortCode: '601' }
    status: 409
    expect: { code: short_code_taken }
`);
    expect(report.passed, formatScenario(report)).toBe(true);
  });

  it('a refused setup names the entry of the scenario and the service’s answer', async () => {
    const report = await run(`${OFFICE}        again: { msisdn: '13803110001', name: 王明二 }
steps:
  - get: /v1/groups
`);
    expect(report.passed).toBe(false);
    expect(report.steps[0]).toMatchObject({ outcome: 'failed' });
    expect(report.steps[0]?.error).toMatch(
      /^setup\.groups\.huabei\.members\.again: POST \/v1\/groups\/grp_\w+\/members → 409 msisdn_taken/,
    );
    expect(report.steps[1]?.outcome).toBe('skipped');
  });

  it('a run error (a field the alias does not have) fails the step with the reason', async () => {
    const report = await run(`${OFFICE}steps:
  - get: /v1/groups/{huabei}/members/{wang}
    expect: { name: '{wang.nickname}' }
`);
    expect(report.steps[1]?.error).toBe('{wang.nickname}: no such field');
  });

  it('the time limit ends the run; what is left is skipped', async () => {
    const report = await run(`${OFFICE}steps:\n  - get: /v1/groups\n  - get: /v1/groups\n`, {
      timeLimitMs: -1,
    });
    expect(report.passed).toBe(false);
    expect(report.steps[0]?.error).toBe('the run reached its time limit');
    expect(report.steps.slice(1).map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
  });
});

describe('running', () => {
  it('reports progress per scenario and step, with durations', async () => {
    const events: ProgressEvent[] = [];
    const report = await run(
      `${OFFICE}steps:\n  - route: { from: wang, to: '602' }\n    expect: { callType: vpn_short }\n`,
      {
        onProgress: (event) => events.push(event),
      },
    );
    expect(report.passed).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['scenario', 'step', 'step', 'done']);
    expect(report.durationMs).toBeGreaterThan(0);
    expect(report.steps.every((s) => s.durationMs >= 0)).toBe(true);
  });

  it('renumbers declared numbers per run when asked (as against a shared service)', async () => {
    const report = await run(
      `${OFFICE}steps:
  - get: /v1/groups/{huabei}/members/{wang}
    expect: { msisdn: '+8613847210001' }
  - name: a literal number that was declared maps to the run's number
    route: { from: '13803110001', to: '602' }
    expect: { from: '{wang.msisdn}', presentedCallerId: '601' }
`,
      { renumber: true, numberBlock: '4721' },
    );
    expect(report.passed, formatScenario(report)).toBe(true);
    expect(report.notes[0]).toContain('block 4721');
  });

  it('a target whose clock is past the start moves the scenario by whole weeks', async () => {
    const ahead: Target = {
      ...target,
      open: (startMs) => target.open(startMs + 10 * 86_400_000),
    };
    const report = await runScenario(
      parseScenarioText(`${OFFICE}steps:
  - call: { from: wang, to: '602', at: 2026-11-24T10:00:00+08:00 }
    expect: { startedAt: '2026-12-08T02:00:00.000Z' }
  - clock: { advance: 1m }
    expect: { now: '2026-12-08T01:01:00.000Z' }
`),
      { target: ahead },
    );
    expect(report.passed, formatScenario(report)).toBe(true);
    expect(report.notes[0]).toContain('moved 2 week(s) later');
  });

  it('a target with a real clock refuses a scenario that moves the clock, saying why', async () => {
    const real: Target = {
      kind: 'url',
      description: 'a real-clock service',
      async open() {
        return {
          request: async () => ({ status: 200, body: { mode: 'real', now: new Date().toISOString() } }),
          close: async () => {},
        };
      },
    };
    const report = await runScenario(parseScenarioText(`${OFFICE}steps:\n  - clock: { advance: 5s }\n`), {
      target: real,
    });
    expect(report.passed).toBe(false);
    expect(report.error).toBe(
      "the target's clock is real (CLOCK=real) but this scenario moves the clock (step 1): start the target with CLOCK=simulated",
    );
  });
});
