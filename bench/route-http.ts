/**
 * HTTP benchmark of the routing hot path, `POST /v1/route`, on the real app with a large
 * directory loaded from SQLite, against a bare Fastify baseline in the same run.
 *
 *   npx tsx bench/route-http.ts [--members 100000] [--groups 1000] [--duration 10]
 *                               [--connections 50] [--warmup 3] [--profile]
 *
 * 1. Generates the bench data (bench/fixtures/seed-db.ts) into a fresh SQLite file, then
 *    times the directory load from it (SQL reads, then the in-memory indexes) and the whole
 *    app start (`buildApp`, which loads the directory before answering).
 * 2. Listens on a free port and runs autocannon (its own process, so it does not share this
 *    event loop) with `-c 50`, pipelining 1, over a rotating set of realistic bodies: short
 *    codes, on-net long numbers in national and E.164 form, off-net members and strangers,
 *    emergency, unallocated codes, sub-group SMS, conference dial-in; some roaming, some `at`.
 * 3. Ringback on vs off over HTTP: every group gets two tones and two policies (work hours by
 *    the calendar, and a fallback), the route is measured again, the policies are deleted and it
 *    is measured a third time; `ringback.ratio` is on ÷ that third run, the one next to it with
 *    the same history (thousands of admin requests before it). On a shared 2-core machine runs
 *    of one configuration differ by 10–20 %, so read it with `cpuRatio` and over several runs.
 * 4. In-process: decisions/s of `decideRoute` over the same requests on the same directory,
 *    and the cost of each piece of a request (validation, auth, phone numbers, response check +
 *    serialisation) for the profile of where the time goes.
 * 5. A bare Fastify server (no logger) with a plain JSON Schema for the same body, answering an
 *    object of a decision's shape and size through a response schema (bench/lib/baseline.ts);
 *    same autocannon settings. Reports the ratio route/baseline.
 *
 * The app runs as in production: logger at `info` (written to /dev/null), request ids, timeouts.
 *
 * `--profile` adds a CPU-profiled run of the route server and prints where its time goes.
 * Writes bench/results/route-http.json when run on its own; bench/run.ts imports `runRouteHttp`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { openDatabase } from '../db/index.js';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { toE164 } from '../src/domain/phone.js';
import type { RouteRequest } from '../src/engines/vpn/index.js';
import { decideRoute } from '../src/engines/vpn/index.js';
import { RouteAnswer, RouteInput } from '../src/routes/route.js';
import { hashKey } from '../src/services/api-keys.js';
import { createDirectoryStore } from '../src/store/directory-store.js';
import { createGroupRepo } from '../src/store/group-repo.js';
import { createMemberRepo } from '../src/store/member-repo.js';
import { createVpnRepo } from '../src/store/vpn-repo.js';
import { BODY_AT_ISO, CONFERENCE_ACCESS_NUMBER, makeBodies } from './fixtures/route-bodies.js';
import { describeBenchData, generateBenchData, writeBenchData } from './fixtures/seed-db.js';
import { buildBaseline } from './lib/baseline.js';
import { type MeasuredLoad, runLoad } from './lib/load.js';
import { type ProfileSummary, printProfile, profileWhile } from './lib/profile.js';

export interface RouteHttpOptions {
  members: number;
  groups: number;
  connections: number;
  pipelining: number;
  durationSeconds: number;
  warmupSeconds: number;
  bodies: number;
  profile: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_ROUTE_HTTP_OPTIONS: RouteHttpOptions = {
  members: 100_000,
  groups: 1_000,
  connections: 50,
  pipelining: 1,
  durationSeconds: 10,
  warmupSeconds: 3,
  bodies: 20_000,
  profile: false,
};

export interface ComponentCost {
  name: string;
  /** Mean cost per call, in microseconds. */
  microseconds: number;
}

export interface RouteHttpReport {
  bench: 'route-http';
  node: string;
  options: Omit<RouteHttpOptions, 'log'>;
  data: ReturnType<typeof describeBenchData>;
  seed: { generateMs: number; writeMs: number };
  /** The directory load at start: SQL reads of every row, then the in-memory indexes. */
  directoryLoad: { sqlMs: number; indexMs: number; totalMs: number; members: number };
  /** `buildApp` on the seeded database: migrations check, directory load, plugins, routes. */
  appStartMs: number;
  mix: Record<string, number>;
  route: MeasuredLoad & { serverCpuMicrosecondsPerRequest: number };
  /** The route with every group's ringback policies installed, and again after removing them. */
  ringback: {
    groups: number;
    setupMs: number;
    on: MeasuredLoad & { serverCpuMicrosecondsPerRequest: number };
    offAgain: MeasuredLoad & { serverCpuMicrosecondsPerRequest: number };
    /** on req/s ÷ offAgain req/s (both after the admin requests that set ringback up). */
    ratio: number;
    /** The same by server CPU per request: offAgain ÷ on. */
    cpuRatio: number;
  };
  baseline: MeasuredLoad & { serverCpuMicrosecondsPerRequest: number };
  /** route req/s ÷ baseline req/s. */
  ratio: number;
  /**
   * baseline server CPU per request ÷ route's: the ratio the req/s would show if the server had
   * a core to itself. Steadier than `ratio` on a shared machine, where neighbours take CPU from
   * one run and not the next.
   */
  cpuRatio: number;
  engine: { decisions: number; ms: number; decisionsPerSecond: number };
  components: ComponentCost[];
  /** `--profile`: CPU profiles of the route server and of the baseline under the same load. */
  profile?: ProfileSummary;
  baselineProfile?: ProfileSummary;
}

const ADMIN_KEY = 'bench-admin-key-0123456789';
const AT_MS = Date.parse(BODY_AT_ISO);

/** Mean microseconds per call of `fn` over `inputs`, repeated to at least `iterations` calls. */
function timePerCall<T>(inputs: T[], iterations: number, fn: (input: T) => unknown): number {
  let sink = 0;
  for (let i = 0; i < Math.min(inputs.length, 20_000); i++) if (fn(inputs[i]!) === undefined) sink++;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) if (fn(inputs[i % inputs.length]!) === undefined) sink++;
  const ms = performance.now() - start;
  if (sink < 0) console.log(sink);
  return Math.round((ms * 1000 * 1000) / iterations) / 1000;
}

/** Two tones and two policies per group (work hours by the calendar, then a fallback); policy ids. */
async function installRingback(app: FastifyInstance, groupIds: string[]): Promise<Map<string, string[]>> {
  const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
  const post = async (url: string, payload: unknown) => {
    const res = await app.inject({ method: 'POST', url, headers, payload: JSON.stringify(payload) });
    if (res.statusCode !== 201) throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json().id as string;
  };
  const policies = new Map<string, string[]>();
  for (const groupId of groupIds) {
    const base = `/v1/groups/${groupId}/ringback`;
    const work = await post(`${base}/tones`, { title: '欢迎致电 工作时间', durationSeconds: 30 });
    const after = await post(`${base}/tones`, { title: '下班时间 请留言', durationSeconds: 30 });
    policies.set(groupId, [
      await post(`${base}/policies`, {
        name: '工作时间',
        appliesTo: { all: true },
        schedule: { calendar: 'workdays', start: '09:00', end: '18:00' },
        toneIds: [work],
        playback: 'single',
      }),
      await post(`${base}/policies`, {
        name: '默认',
        appliesTo: { all: true },
        toneIds: [after],
        playback: 'loop',
      }),
    ]);
  }
  return policies;
}

async function removeRingback(app: FastifyInstance, policies: Map<string, string[]>) {
  const headers = { authorization: `Bearer ${ADMIN_KEY}` };
  for (const [groupId, ids] of policies) {
    for (const id of ids) {
      const url = `/v1/groups/${groupId}/ringback/policies/${id}`;
      const res = await app.inject({ method: 'DELETE', url, headers });
      if (res.statusCode !== 204) throw new Error(`DELETE ${url} answered ${res.statusCode}: ${res.body}`);
    }
  }
}

const perRequest = (load: MeasuredLoad) =>
  load.requestsPerSecond > 0 ? Math.round(((load.serverCpuPercent / 100) * 1e6) / load.requestsPerSecond) : 0;

export async function runRouteHttp(partial: Partial<RouteHttpOptions> = {}): Promise<RouteHttpReport> {
  const options = { ...DEFAULT_ROUTE_HTTP_OPTIONS, ...partial };
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-route-http-'));
  try {
    // 1. Seed, then time the load from SQLite.
    let start = performance.now();
    const data = generateBenchData({ members: options.members, groups: options.groups });
    const generateMs = performance.now() - start;
    start = performance.now();
    const seedDb = openDatabase(dataDir);
    writeBenchData(seedDb, data);
    seedDb.$client.close();
    const writeMs = performance.now() - start;
    log(
      `seeded ${data.members.length.toLocaleString('en-US')} members in ${data.groups.length} groups: generated in ${generateMs.toFixed(0)} ms, written in ${writeMs.toFixed(0)} ms`,
    );

    const directoryLoad = (() => {
      const db = openDatabase(dataDir);
      try {
        const t0 = performance.now();
        const groupRepo = createGroupRepo(db);
        const memberRepo = createMemberRepo(db);
        const vpnRepo = createVpnRepo(db);
        const snapshot = {
          groups: groupRepo.all(),
          vpns: vpnRepo.allVpns(),
          members: memberRepo.all(),
          subgroups: vpnRepo.allSubgroups(),
          subgroupMembers: vpnRepo.allLinks(),
        };
        const t1 = performance.now();
        const store = createDirectoryStore(CONFERENCE_ACCESS_NUMBER);
        store.load(snapshot);
        const t2 = performance.now();
        return {
          sqlMs: t1 - t0,
          indexMs: t2 - t1,
          totalMs: t2 - t0,
          members: store.directory.membersById.size,
        };
      } finally {
        db.$client.close();
      }
    })();

    start = performance.now();
    // As in production: the logger at info (to /dev/null, through pino's own fast destination).
    const app = await buildApp({
      config: testConfig({ dataDir, logLevel: 'info', clock: 'simulated', adminApiKey: ADMIN_KEY }),
      logger: { level: 'info', stream: pino.destination({ dest: '/dev/null', sync: true }) },
    });
    await app.ready();
    const appStartMs = performance.now() - start;
    const loaded = app.services.directory.membersById.size;
    if (loaded !== data.members.length)
      throw new Error(`directory holds ${loaded} members, not ${data.members.length}`);
    log(
      `directory load: ${directoryLoad.totalMs.toFixed(0)} ms (SQL ${directoryLoad.sqlMs.toFixed(0)} ms + indexes ${directoryLoad.indexMs.toFixed(0)} ms); app start with it: ${appStartMs.toFixed(0)} ms`,
    );

    const { bodies, mix } = makeBodies(data, options.bodies);
    // Every body must be a 200: check a sample through the app itself.
    for (let i = 0; i < bodies.length; i += Math.ceil(bodies.length / 300)) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/route',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        payload: bodies[i]!,
      });
      if (res.statusCode !== 200)
        throw new Error(`body ${bodies[i]} answered ${res.statusCode}: ${res.body}`);
    }

    // 2. The route under load.
    const spec = {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      bodies,
      connections: options.connections,
      pipelining: options.pipelining,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
    };
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    log(
      `route: ${address}/v1/route, autocannon -c ${options.connections} -p ${options.pipelining} for ${options.durationSeconds} s`,
    );
    const routeLoad = await runLoad({ ...spec, url: `${address}/v1/route` });
    log(
      `  ${Math.round(routeLoad.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${routeLoad.latencyMs.p50} ms, p99 ${routeLoad.latencyMs.p99} ms, non-2xx ${routeLoad.non2xx}, server CPU ${routeLoad.serverCpuPercent} %, client CPU ${routeLoad.clientCpuPercent} %`,
    );

    let profile: ProfileSummary | undefined;
    if (options.profile) {
      const profiled = await profileWhile(() =>
        runLoad({ ...spec, url: `${address}/v1/route`, warmupSeconds: 1, durationSeconds: 5 }),
      );
      profile = profiled.summary;
    }

    // 3. Ringback on vs off: the same load with every group's policies, then without again.
    const rbStart = performance.now();
    const policies = await installRingback(
      app,
      data.groups.map((g) => g.id!),
    );
    const rbSetupMs = performance.now() - rbStart;
    // Two active members of one group: the callee's answer must now carry a ringback.
    const pair = data.members.findIndex(
      (m, i) =>
        m.status === 'active' &&
        data.members[i + 1]?.status === 'active' &&
        data.memberGroup[i] === data.memberGroup[i + 1],
    );
    const sample = await app.inject({
      method: 'POST',
      url: '/v1/route',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ from: data.members[pair]!.msisdn, to: data.members[pair + 1]!.msisdn }),
    });
    if (sample.json().ringback === null) throw new Error(`ringback not applied: ${sample.body}`);
    log(`ringback: ${policies.size} groups with 2 policies each (${rbSetupMs.toFixed(0)} ms); route again`);
    const ringbackOn = await runLoad({ ...spec, url: `${address}/v1/route` });
    log(
      `  ringback on: ${Math.round(ringbackOn.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${ringbackOn.latencyMs.p50} ms, p99 ${ringbackOn.latencyMs.p99} ms, non-2xx ${ringbackOn.non2xx}, server CPU ${ringbackOn.serverCpuPercent} %`,
    );
    await removeRingback(app, policies);
    const offAgain = await runLoad({ ...spec, url: `${address}/v1/route` });
    log(
      `  ringback off again: ${Math.round(offAgain.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${offAgain.latencyMs.p50} ms, p99 ${offAgain.latencyMs.p99} ms, non-2xx ${offAgain.non2xx}, server CPU ${offAgain.serverCpuPercent} %`,
    );

    // 4. In-process: the engine alone, and each piece of a request.
    const { directory } = app.services;
    const tariff = app.services.tariffs.ratesAt(AT_MS);
    const parsedBodies = bodies.map((b) => JSON.parse(b) as unknown);
    const requests: RouteRequest[] = parsedBodies.map((b) => {
      const { at, ...rest } = RouteInput.parse(b);
      return { ...rest, atMs: at ?? AT_MS };
    });
    const context = { tariff };
    for (let pass = 0; pass < 3; pass++) for (const r of requests) decideRoute(directory, r, context);
    const decisions = 2_000_000;
    let checksum = 0;
    start = performance.now();
    for (let i = 0; i < decisions; i++)
      checksum += decideRoute(directory, requests[i % requests.length]!, context).to.length;
    const engineMs = performance.now() - start;
    if (checksum < 0) console.log(checksum);
    const engine = { decisions, ms: engineMs, decisionsPerSecond: Math.round(decisions / (engineMs / 1000)) };
    log(
      `engine in-process: ${engine.decisionsPerSecond.toLocaleString('en-US')} decisions/s (${decisions.toLocaleString('en-US')} over the HTTP mix)`,
    );

    const answers = requests.map((r) => app.services.routing.decide(r));
    // Each piece of a request in a tight loop (warm caches): a floor, not what it costs between
    // socket reads, where the same work runs 2–3× slower (see the --profile figures).
    const components: ComponentCost[] = [
      { name: 'JSON.parse body', microseconds: timePerCall(bodies, 300_000, (b) => JSON.parse(b)) },
      {
        name: 'zod RouteInput.safeParse (incl. phone memo)',
        microseconds: timePerCall(parsedBodies, 300_000, (b) => RouteInput.safeParse(b)),
      },
      {
        name: 'phone: national mobile → E.164 (no memo)',
        microseconds: timePerCall(
          parsedBodies.map((b) => (b as { from: string }).from),
          300_000,
          (n) => toE164(n),
        ),
      },
      {
        name: 'auth: sha256 of a key (first sight)',
        microseconds: timePerCall([ADMIN_KEY], 300_000, (k) => hashKey(k)),
      },
      {
        name: 'auth: apiKeys.authenticate (remembered key)',
        microseconds: timePerCall([ADMIN_KEY], 1_000_000, (k) => app.services.apiKeys.authenticate(k)),
      },
      {
        name: 'routing.decide (tariff + engine + ringback)',
        microseconds: timePerCall(requests, 1_000_000, (r) => app.services.routing.decide(r)),
      },
      {
        name: 'zod RouteAnswer.safeParse (check only)',
        microseconds: timePerCall(answers, 300_000, (a) => RouteAnswer.safeParse(a)),
      },
      {
        name: 'JSON.stringify answer',
        microseconds: timePerCall(answers, 300_000, (a) => JSON.stringify(a)),
      },
    ];
    await app.close();

    // 5. The bare baseline, same settings.
    const baselineApp = await buildBaseline();
    const baselineAddress = await baselineApp.listen({ port: 0, host: '127.0.0.1' });
    log(`baseline: bare Fastify at ${baselineAddress}/v1/route, same settings`);
    const baselineLoad = await runLoad({ ...spec, url: `${baselineAddress}/v1/route` });
    let baselineProfile: ProfileSummary | undefined;
    if (options.profile) {
      const profiled = await profileWhile(() =>
        runLoad({ ...spec, url: `${baselineAddress}/v1/route`, warmupSeconds: 1, durationSeconds: 5 }),
      );
      baselineProfile = profiled.summary;
    }
    await baselineApp.close();
    log(
      `  ${Math.round(baselineLoad.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${baselineLoad.latencyMs.p50} ms, p99 ${baselineLoad.latencyMs.p99} ms, non-2xx ${baselineLoad.non2xx}, server CPU ${baselineLoad.serverCpuPercent} %, client CPU ${baselineLoad.clientCpuPercent} %`,
    );

    const { log: _log, ...recorded } = options;
    return {
      bench: 'route-http',
      node: process.version,
      options: recorded,
      data: describeBenchData(data),
      seed: { generateMs: Math.round(generateMs), writeMs: Math.round(writeMs) },
      directoryLoad: {
        sqlMs: Math.round(directoryLoad.sqlMs),
        indexMs: Math.round(directoryLoad.indexMs),
        totalMs: Math.round(directoryLoad.totalMs),
        members: directoryLoad.members,
      },
      appStartMs: Math.round(appStartMs),
      mix,
      route: { ...routeLoad, serverCpuMicrosecondsPerRequest: perRequest(routeLoad) },
      ringback: {
        groups: policies.size,
        setupMs: Math.round(rbSetupMs),
        on: { ...ringbackOn, serverCpuMicrosecondsPerRequest: perRequest(ringbackOn) },
        offAgain: { ...offAgain, serverCpuMicrosecondsPerRequest: perRequest(offAgain) },
        ratio: Math.round((ringbackOn.requestsPerSecond / offAgain.requestsPerSecond) * 1000) / 1000,
        cpuRatio: Math.round((perRequest(offAgain) / perRequest(ringbackOn)) * 1000) / 1000,
      },
      baseline: { ...baselineLoad, serverCpuMicrosecondsPerRequest: perRequest(baselineLoad) },
      ratio: Math.round((routeLoad.requestsPerSecond / baselineLoad.requestsPerSecond) * 1000) / 1000,
      cpuRatio: Math.round((perRequest(baselineLoad) / perRequest(routeLoad)) * 1000) / 1000,
      engine,
      components,
      ...(profile && { profile }),
      ...(baselineProfile && { baselineProfile }),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export function optionsFromArgs(args: string[]): Partial<RouteHttpOptions> {
  const number = (name: string) => {
    const value = argValue(args, name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
    return n;
  };
  const out: Partial<RouteHttpOptions> = {};
  const members = number('members');
  const groups = number('groups');
  const duration = number('duration');
  const connections = number('connections');
  const warmup = number('warmup');
  if (members !== undefined) out.members = members;
  if (groups !== undefined) out.groups = groups;
  if (duration !== undefined) out.durationSeconds = duration;
  if (connections !== undefined) out.connections = connections;
  if (warmup !== undefined) out.warmupSeconds = warmup;
  if (args.includes('--profile')) out.profile = true;
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await runRouteHttp(optionsFromArgs(process.argv.slice(2)));
  console.table({
    route: {
      'req/s': Math.round(report.route.requestsPerSecond),
      'p50 ms': report.route.latencyMs.p50,
      'p99 ms': report.route.latencyMs.p99,
      'server µs CPU/req': report.route.serverCpuMicrosecondsPerRequest,
    },
    'route, ringback on': {
      'req/s': Math.round(report.ringback.on.requestsPerSecond),
      'p50 ms': report.ringback.on.latencyMs.p50,
      'p99 ms': report.ringback.on.latencyMs.p99,
      'server µs CPU/req': report.ringback.on.serverCpuMicrosecondsPerRequest,
    },
    'route, ringback off again': {
      'req/s': Math.round(report.ringback.offAgain.requestsPerSecond),
      'p50 ms': report.ringback.offAgain.latencyMs.p50,
      'p99 ms': report.ringback.offAgain.latencyMs.p99,
      'server µs CPU/req': report.ringback.offAgain.serverCpuMicrosecondsPerRequest,
    },
    baseline: {
      'req/s': Math.round(report.baseline.requestsPerSecond),
      'p50 ms': report.baseline.latencyMs.p50,
      'p99 ms': report.baseline.latencyMs.p99,
      'server µs CPU/req': report.baseline.serverCpuMicrosecondsPerRequest,
    },
  });
  console.log(
    `ratio route/baseline: ${(report.ratio * 100).toFixed(1)} % by req/s, ${(report.cpuRatio * 100).toFixed(1)} % by server CPU per request`,
  );
  console.log(
    `ringback on / off (over HTTP): ${(report.ringback.ratio * 100).toFixed(1)} % by req/s, ${(report.ringback.cpuRatio * 100).toFixed(1)} % by server CPU per request`,
  );
  console.table(report.components.map((c) => ({ piece: c.name, 'µs/call': c.microseconds })));
  if (report.profile) printProfile(report.profile);
  if (report.baselineProfile) printProfile(report.baselineProfile, 'the bare baseline');
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'route-http.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), out)}`);
}
