import { describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sim/scenario/sandbox.js';
import { boundedStep, MAX_VALUE_LENGTH } from '../../src/sim/scenario/sandbox-report.js';

/** The sandbox's admission, bounded reports, and workers that never outlive their run. */

describe('the scenario sandbox', () => {
  it('admits one run per key and two in all; a release frees the place once', () => {
    const sandbox = createSandbox({ perKey: 1, concurrency: 2 });
    const first = sandbox.admit('admin');
    expect(first).toBeDefined();
    expect(sandbox.admit('admin')).toBeUndefined();
    const partner = sandbox.admit('key_1');
    expect(partner).toBeDefined();
    expect(sandbox.admit('key_2')).toBeUndefined();
    first!();
    first!();
    expect(sandbox.admit('key_2')).toBeDefined();
    expect(sandbox.admit('key_3')).toBeUndefined();
  });

  it('bounds a failed step: its last 20 requests, first 20 mismatches, large values as text', () => {
    const requests = Array.from({ length: 1000 }, (_, i) => ({
      method: 'POST',
      path: `/v1/x/${i}`,
      status: 201,
    }));
    const big = { items: Array.from({ length: 1000 }, (_, i) => ({ id: `item_${i}` })) };
    const mismatches = Array.from({ length: 50 }, (_, i) => ({
      path: `f${i}`,
      message: 'differs',
      expected: 1,
      actual: big,
    }));
    const step = boundedStep({
      index: 1,
      kind: 'get',
      label: 'x',
      outcome: 'failed',
      durationMs: 1,
      requests,
      mismatches,
    });
    expect(step.requests).toHaveLength(20);
    expect(step.requests![19]!.path).toBe('/v1/x/999');
    expect(step.requestsOmitted).toBe(980);
    expect(step.mismatches).toHaveLength(20);
    expect(step.mismatchesOmitted).toBe(30);
    expect(step.mismatches![0]).toMatchObject({ path: 'f0', expected: 1 });
    expect(typeof step.mismatches![0]!.actual).toBe('string');
    expect((step.mismatches![0]!.actual as string).length).toBe(MAX_VALUE_LENGTH);
  });

  it('leaves no worker behind: after each answer, valid or not, none is alive', async () => {
    const sandbox = createSandbox();
    const invalid = await sandbox.run({ name: 'x', steps: [{ get: 'groups' }] }, {});
    expect(invalid).toMatchObject({ kind: 'invalid', issues: [{ path: ['steps', 0, 'get'] }] });
    expect(sandbox.liveWorkers()).toBe(0);
    const valid = await sandbox.run({ name: 'x', steps: [{ get: '/v1/groups' }] }, {});
    expect(valid).toMatchObject({ kind: 'report', report: { passed: true } });
    expect(sandbox.liveWorkers()).toBe(0);
  }, 120_000);
});
