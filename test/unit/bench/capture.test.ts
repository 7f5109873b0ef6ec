import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordingTarget } from '../../../bench/load/capture.js';
import { flowsOf, parseRecords, type RecordLine, serialiseRecords } from '../../../bench/load/record-file.js';
import { buildApp } from '../../../src/app.js';
import { parseScenarioText } from '../../../src/sim/scenario/parse.js';
import { runScenario } from '../../../src/sim/scenario/runner.js';
import { inProcessTarget } from '../../../src/sim/scenario/transport.js';

const run = async (file: string) => {
  const lines: RecordLine[] = [];
  let tick = 0;
  const target = recordingTarget(inProcessTarget(buildApp), lines, () => (tick += 5));
  const report = await runScenario(parseScenarioText(readFileSync(file, 'utf8'), file), { target, file });
  return { lines, report };
};

describe('capturing a scenario’s traffic for replay', () => {
  it('records the calls as flows that save and reuse the call id, and nothing but route, SMS and calls', async () => {
    const { lines, report } = await run('scenarios/switchboard-auto-transfer.yaml');
    expect(report.passed).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).toMatchObject({
      flow: 0,
      name: 'call create',
      method: 'POST',
      path: '/v1/calls',
      save: 'callId',
    });
    for (const line of lines) {
      expect(['/v1/route', '/v1/messages', '/v1/calls', '/v1/calls/{callId}/actions']).toContain(line.path);
      if (line.path.endsWith('/actions')) {
        const creating = lines.find((l) => l.flow === line.flow && l.path === '/v1/calls');
        expect(creating?.save).toBe('callId');
        expect(line.name).toBe(`call ${(line.body as { action: string }).action}`);
      }
    }
    const times = lines.map((l) => l.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(parseRecords(serialiseRecords(lines))).toEqual(lines);
    expect(flowsOf(lines).flat()).toHaveLength(lines.length);
  });

  it('records route and SMS requests as flows of one', async () => {
    const { lines, report } = await run('scenarios/vpn-short-codes.yaml');
    expect(report.passed).toBe(true);
    const single = lines.filter((l) => l.name === 'route' || l.name === 'sms');
    expect(single.length).toBeGreaterThan(0);
    for (const line of single) expect(lines.filter((l) => l.flow === line.flow)).toHaveLength(1);
  });
});
