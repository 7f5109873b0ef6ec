/**
 * `runLoadProfiles`: in one run, a bare Fastify baseline and the service's hot endpoints under
 * autocannon, each at a fixed concurrency and (but the baseline) at a fixed offered rate:
 *
 * - `route`: POST /v1/route over the busy-hour mix of bench/fixtures/route-bodies.ts;
 * - `sms`: POST /v1/messages between colleagues (short codes);
 * - `call`: a full call, POST /v1/calls → actions answer → hangup (which writes its CDR);
 * - `conference`: PATCH a participant's mute and POST actions mute_all / unmute_all on
 *   conferences set up in-process with every leg joined.
 *
 * The app runs in this process on a generated directory in a temp SQLite file; the load
 * client runs in its own process (bench/load/client.ts). Used by `npm run bench:load` and
 * meant to be called from bench/run.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { openDatabase } from '../../db/sqlite/index.js';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import type { Principal } from '../../src/services/api-keys.js';
import { prng } from '../fixtures/directory.js';
import { makeBodies } from '../fixtures/route-bodies.js';
import { type BenchData, generateBenchData, writeBenchData } from '../fixtures/seed-db.js';
import { buildBaseline } from '../lib/baseline.js';
import { httpRequest } from '../lib/http.js';
import { PROFILE_FAMILIES } from './cli-args.js';
import type { ClientSpec } from './client.js';
import { driveLoad } from './drive.js';
import type { LoadFlow } from './record-file.js';
import { caseLine, type LoadCase, type LoadReport, machine, RATE_NOTE } from './report.js';

export interface LoadProfileOptions {
  members: number;
  groups: number;
  connections: number;
  /** Offered rate of the fixed-rate cases, req/s over all connections. */
  rate: number;
  durationSeconds: number;
  warmupSeconds: number;
  conferences: number;
  legs: number;
  /** Only these endpoint families (baseline, route, sms, call, conference); empty: all. */
  only: string[];
  progress: boolean;
  log?: (line: string) => void;
}

const FAMILY_TITLES: Record<string, string> = { sms: 'SMS' };

/** Names the families that ran, not every one there is (--only, or one with nothing to send). */
export function profilesTitle(cases: Pick<LoadCase, 'endpoint'>[]): string {
  const ran = PROFILE_FAMILIES.filter((family) => cases.some((c) => c.endpoint === family));
  return `Load profiles: ${ran.map((family) => FAMILY_TITLES[family] ?? family).join(', ')}`;
}

export const DEFAULT_LOAD_PROFILE_OPTIONS: LoadProfileOptions = {
  members: 20_000,
  groups: 200,
  connections: 50,
  rate: 2_000,
  durationSeconds: 10,
  warmupSeconds: 2,
  conferences: 100,
  legs: 6,
  only: [],
  progress: false,
};

const ADMIN_KEY = 'bench-load-admin-key-0123456789';
const ADMIN: Principal = { kind: 'admin', id: 'admin', canSee: () => true };
const HEADERS = { authorization: `Bearer ${ADMIN_KEY}` };
/** Conference legs: `+86134` numbers, outside the generated members' range. */
const legNumber = (i: number) => `+86134${String(10_000_000 + i).slice(-8)}`;

/** Pairs of active colleagues (same group, callee with a short code); deterministic. */
export function colleaguePairs(data: BenchData, count: number, seed = 11) {
  const random = prng(seed);
  const pairs: Array<{ from: string; to: string; toShortCode: string }> = [];
  const used = new Set<number>();
  for (let guard = 0; pairs.length < count && guard < count * 20; guard++) {
    const a = Math.floor(random() * data.members.length);
    const g = data.memberGroup[a]!;
    const start = data.groupStart[g]!;
    const b = start + Math.floor(random() * (data.groupStart[g + 1]! - start));
    const ma = data.members[a]!;
    const mb = data.members[b]!;
    // Distinct callees, so that no two calls in flight ring the same phone.
    if (a === b || used.has(b) || ma.status !== 'active' || mb.status !== 'active' || !mb.shortCode) continue;
    used.add(b);
    pairs.push({ from: ma.msisdn, to: mb.msisdn, toShortCode: mb.shortCode });
  }
  return pairs;
}

export const single = (name: string, method: 'POST' | 'PATCH', p: string, body: unknown): LoadFlow => [
  { name, method, path: p, body: JSON.stringify(body) },
];

export function callFlow(from: string, to: string): LoadFlow {
  return [
    {
      name: 'call create',
      method: 'POST',
      path: '/v1/calls',
      body: JSON.stringify({ from, to }),
      save: 'callId',
    },
    { name: 'call answer', method: 'POST', path: '/v1/calls/{callId}/actions', body: '{"action":"answer"}' },
    { name: 'call hangup', method: 'POST', path: '/v1/calls/{callId}/actions', body: '{"action":"hangup"}' },
  ];
}

export async function setUpConferences(
  app: FastifyInstance,
  options: Pick<LoadProfileOptions, 'conferences' | 'legs'>,
): Promise<LoadFlow[]> {
  const { groups, subscribers, conferences } = app.services;
  const { id: groupId } = await groups.create({
    name: '负载会议集团',
    institutionType: 'enterprise',
    valueTier: 'A1',
    province: 'CN-HE',
  });
  const flows: LoadFlow[] = [];
  for (let c = 0; c < options.conferences; c++) {
    const first = c * options.legs;
    for (let k = 0; k < options.legs; k++)
      await subscribers.put(legNumber(first + k), { behaviour: 'answer', afterSeconds: 0 }, ADMIN);
    const conference = await conferences.create(
      {
        hostMsisdn: legNumber(first),
        groupId,
        maxParticipants: options.legs,
        participants: Array.from({ length: options.legs - 1 }, (_, k) => ({
          msisdn: legNumber(first + k + 1),
        })),
      },
      ADMIN,
    );
    const base = `/v1/conferences/${conference.id}`;
    for (const p of conference.participants.filter((x) => x.role !== 'host')) {
      flows.push(single('conference mute', 'PATCH', `${base}/participants/${p.id}`, { muted: true }));
      flows.push(single('conference mute', 'PATCH', `${base}/participants/${p.id}`, { muted: false }));
    }
    flows.push(single('conference mute_all', 'POST', `${base}/actions`, { action: 'mute_all' }));
    flows.push(single('conference mute_all', 'POST', `${base}/actions`, { action: 'unmute_all' }));
  }
  return flows;
}

/** Checks that the first step of a few flows succeeds, over HTTP (bench/lib/http.ts). */
async function check(origin: string, flows: LoadFlow[], n = 3) {
  for (const flow of flows.slice(0, n)) {
    const step = flow[0]!;
    const res = await httpRequest(origin, {
      method: step.method,
      path: step.path,
      headers: HEADERS,
      ...(step.body === undefined ? {} : { body: step.body }),
    });
    if (res.status >= 300) throw new Error(`${step.method} ${step.path} answered ${res.status}: ${res.text}`);
  }
}

export async function runLoadProfiles(partial: Partial<LoadProfileOptions> = {}): Promise<LoadReport> {
  const options = { ...DEFAULT_LOAD_PROFILE_OPTIONS, ...partial };
  const log = options.log ?? ((line: string) => console.log(line));
  const wanted = (name: string) => options.only.length === 0 || options.only.includes(name);
  const startedAt = new Date().toISOString();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-profiles-'));
  const data = generateBenchData({ members: options.members, groups: options.groups });
  const seedDb = openDatabase(dataDir);
  writeBenchData(seedDb, data);
  seedDb.$client.close();
  // As in production: the logger at info, to /dev/null.
  const app = await buildApp({
    config: testConfig({ dataDir, logLevel: 'info', clock: 'simulated', adminApiKey: ADMIN_KEY }),
    logger: { level: 'info', stream: pino.destination({ dest: '/dev/null', sync: true }) },
  });
  const baseline = await buildBaseline();
  const cases: LoadCase[] = [];
  try {
    await app.ready();
    const routeFlows = makeBodies(data, 5_000).bodies.map((b) =>
      single('route', 'POST', '/v1/route', JSON.parse(b)),
    );
    const pairs = colleaguePairs(data, Math.min(5_000, Math.floor(options.members / 3)));
    const smsFlows = pairs.map((p) =>
      single('sms', 'POST', '/v1/messages', {
        from: p.from,
        to: p.toShortCode,
        text: '下午三点在三楼会议室开会',
      }),
    );
    const callFlows = pairs.map((p) => callFlow(p.from, p.to));
    const conferenceFlows = wanted('conference') ? await setUpConferences(app, options) : [];
    const appOrigin = await app.listen({ port: 0, host: '127.0.0.1' });
    await check(appOrigin, routeFlows);
    await check(appOrigin, smsFlows);
    const baselineOrigin = await baseline.listen({ port: 0, host: '127.0.0.1' });
    log(`app ${appOrigin} (${data.members.length} members), baseline ${baselineOrigin}`);

    const families: Array<{ endpoint: string; origin: string; flows: LoadFlow[]; rate: boolean }> = [
      { endpoint: 'baseline', origin: baselineOrigin, flows: routeFlows, rate: false },
      { endpoint: 'route', origin: appOrigin, flows: routeFlows, rate: true },
      { endpoint: 'sms', origin: appOrigin, flows: smsFlows, rate: true },
      { endpoint: 'call', origin: appOrigin, flows: callFlows, rate: true },
      { endpoint: 'conference', origin: appOrigin, flows: conferenceFlows, rate: true },
    ];
    for (const family of families) {
      if (!wanted(family.endpoint) || family.flows.length === 0) continue;
      const modes: Array<number | undefined> = family.rate ? [undefined, options.rate] : [undefined];
      for (const overallRate of modes) {
        const spec: ClientSpec = {
          origin: family.origin,
          headers: HEADERS,
          flows: family.flows,
          connections: options.connections,
          ...(overallRate ? { overallRate } : {}),
          durationSeconds: options.durationSeconds,
          warmupSeconds: options.warmupSeconds,
          progress: options.progress,
        };
        const result = await driveLoad(spec);
        const c: LoadCase = {
          name: `${family.endpoint} · ${overallRate ? `${overallRate} req/s` : `c${options.connections}`}`,
          endpoint: family.endpoint,
          mode: overallRate ? 'rate' : 'concurrency',
          connections: Math.min(options.connections, overallRate ?? Number.POSITIVE_INFINITY),
          ...(overallRate ? { offeredRate: overallRate } : {}),
          result,
        };
        cases.push(c);
        log(caseLine(c));
      }
    }
  } finally {
    await app.close();
    await baseline.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const base = cases.find((c) => c.endpoint === 'baseline')?.result.requestsPerSecond ?? 0;
  const notes = cases
    .filter((c) => c.mode === 'concurrency' && c.endpoint !== 'baseline' && base > 0)
    .map(
      (c) =>
        `${c.name}: ${Math.round((c.result.requestsPerSecond / base) * 100)} % of the bare Fastify baseline`,
    );
  notes.push(
    'Call rows count each step (create, answer, hangup) as a request: calls/s = req/s ÷ 3.',
    RATE_NOTE,
  );
  const { log: _log, ...shown } = options;
  return {
    kind: 'load-profiles',
    title: profilesTitle(cases),
    startedAt,
    node: process.version,
    machine: machine(),
    options: shown,
    notes,
    cases,
  };
}
