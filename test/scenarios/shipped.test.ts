import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { parseScenarioText } from '../../src/sim/scenario/parse.js';
import { formatScenario } from '../../src/sim/scenario/report.js';
import { runScenario } from '../../src/sim/scenario/runner.js';
import { inProcessTarget } from '../../src/sim/scenario/transport.js';

/** Every scenario shipped in scenarios/, run in-process on a fresh database: the product's scenes. */

const DIR = path.resolve(import.meta.dirname, '../../scenarios');
const files = readdirSync(DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const target = inProcessTarget(buildApp);

describe('shipped scenarios', () => {
  it('include the product scenes', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'switchboard-auto-transfer.yaml',
        'switchboard-operator-transfer.yaml',
        'switchboard-after-hours.yaml',
        'vpn-short-codes.yaml',
        'ringback-work-hours.yaml',
        'conference-instant.yaml',
        'conference-scheduled.yaml',
      ]),
    );
  });

  it.each(files)('%s passes', async (name) => {
    const file = `scenarios/${name}`;
    const scenario = parseScenarioText(readFileSync(path.join(DIR, name), 'utf8'), file);
    const report = await runScenario(scenario, { target, file });
    // The whole report, diff and event log included, is the failure message.
    expect(report.passed, formatScenario(report)).toBe(true);
    expect(report.steps.every((step) => step.outcome === 'passed')).toBe(true);
  });
});
