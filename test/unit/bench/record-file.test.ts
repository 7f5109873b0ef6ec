import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  flowsOf,
  parseRecords,
  readRecordFile,
  serialiseRecords,
  writeRecordFile,
} from '../../../bench/load/record-file.js';
import { generateRecords } from '../../../bench/load/replay.js';

const GROUPS = [
  [
    { id: 'm1', msisdn: '+8613800000001', shortCode: '6001' },
    { id: 'm2', msisdn: '+8613800000002', shortCode: '6002' },
    { id: 'm3', msisdn: '+8613800000003', shortCode: null },
  ],
];

describe('record file', () => {
  it('round-trips through a file, Chinese text included', () => {
    const lines = generateRecords(GROUPS, { durationSeconds: 5, rate: 50, seed: 3 });
    expect(lines.length).toBeGreaterThan(100);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'record-file-'));
    try {
      const file = path.join(dir, 'traffic.jsonl');
      writeRecordFile(file, lines);
      expect(readRecordFile(file)).toEqual(lines);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(parseRecords(serialiseRecords([]))).toEqual([]);
  });

  it('is deterministic per seed and ordered by time', () => {
    const a = generateRecords(GROUPS, { durationSeconds: 2, rate: 20, seed: 9 });
    expect(generateRecords(GROUPS, { durationSeconds: 2, rate: 20, seed: 9 })).toEqual(a);
    expect(a.every((l, i) => i === 0 || a[i - 1]!.t <= l.t)).toBe(true);
  });

  it('groups calls into flows that chain the call id', () => {
    const lines = generateRecords(GROUPS, { durationSeconds: 10, rate: 50, seed: 1 });
    const call = flowsOf(lines).find((f) => f.length === 3)!;
    expect(call.map((s) => s.name)).toEqual(['call create', 'call answer', 'call hangup']);
    expect(call[0]!.save).toBe('callId');
    expect(call[2]!.path).toBe('/v1/calls/{callId}/actions');
    expect(JSON.parse(call[2]!.body!)).toEqual({ action: 'hangup' });
  });

  it('names the bad line', () => {
    const good = serialiseRecords([
      { t: 0, flow: 0, name: 'route', method: 'POST', path: '/v1/route', body: {} },
    ]);
    expect(() => parseRecords(`${good}{"t":1}\n`)).toThrow(/line 2/);
    expect(() => parseRecords('nope')).toThrow(/line 1: not JSON/);
  });
});
