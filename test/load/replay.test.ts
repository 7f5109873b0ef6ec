import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecordFile, writeRecordFile } from '../../bench/load/record-file.js';
import { recordTraffic, replayRecords } from '../../bench/load/replay.js';
import { writeReport } from '../../bench/load/report.js';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';

const KEY = 'test-admin-key-0123456789';
let app: FastifyInstance;
let url: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'load-replay-'));
  app = await buildApp({ config: testConfig({ adminApiKey: KEY }) });
  const auth = { authorization: `Bearer ${KEY}` };
  const group = await app.inject({
    method: 'POST',
    url: '/v1/groups',
    headers: auth,
    payload: { name: '河北测试集团', institutionType: 'enterprise', valueTier: 'A1', province: 'CN-HE' },
  });
  const groupId = group.json().id as string;
  for (let i = 0; i < 6; i++) {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/groups/${groupId}/members`,
      headers: auth,
      payload: { msisdn: `1380013800${i}`, name: `成员${i}` },
    });
    expect(res.statusCode).toBe(201);
  }
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('load record and replay', () => {
  it('records a mix from the live directory and replays it at a low rate', async () => {
    const lines = await recordTraffic({
      url,
      key: KEY,
      durationSeconds: 20,
      rate: 20,
      seed: 5,
      maxGroups: 10,
    });
    expect(lines.some((l) => l.name === 'route')).toBe(true);
    expect(
      lines.every(
        (l) => JSON.stringify(l.body ?? {}).includes('+86138001380') || l.path.includes('{callId}'),
      ),
    ).toBe(true);
    const file = path.join(dir, 'traffic.jsonl');
    writeRecordFile(file, lines);

    const report = await replayRecords({
      url,
      key: KEY,
      lines: readRecordFile(file),
      rate: 40,
      durationSeconds: 1,
      connections: 2,
      warmupSeconds: 0,
      progress: false,
    });
    const result = report.cases[0]!.result;
    expect(result.totalRequests).toBeGreaterThan(10);
    expect(result.errors + result.timeouts).toBe(0);
    const route = result.endpoints.find((e) => e.name === 'route');
    expect(route?.requests).toBeGreaterThan(0);
    expect(route?.non2xx).toBe(0);
    expect(result.histogram.reduce((s, b) => s + b.count, 0)).toBe(
      result.endpoints.reduce((s, e) => s + e.requests, 0),
    );

    const files = writeReport(report, dir, 'replay');
    expect(JSON.parse(readFileSync(files.json, 'utf8')).cases[0].endpoint).toBe('replay');
    expect(readFileSync(files.html, 'utf8')).toContain('replay · 40 req/s');
  });
});
