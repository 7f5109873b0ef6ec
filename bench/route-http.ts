/**
 * HTTP benchmark of the routing hot path, `POST /v1/route`, on the real app with a large
 * directory loaded from SQLite, against a bare Fastify baseline in the same run.
 *
 *   npx tsx bench/route-http.ts [--members 100000] [--groups 1000] [--duration 6]
 *                               [--connections 50] [--warmup 2] [--rounds 5] [--gap-rounds 3]
 *                               [--profile]
 *
 * 1. Generates the bench data (bench/fixtures/seed-db.ts) into a fresh SQLite file, then
 *    times the directory load from it (SQL reads, then the in-memory indexes) and the whole
 *    app start (`buildApp`, which loads the directory before answering).
 * 2. The route and a bare Fastify server (bench/lib/baseline.ts: no logger, a plain JSON Schema
 *    for the same body, an answer of a decision's shape and size through a response schema)
 *    listen side by side and are loaded alternately, `--rounds` times each, the order swapped
 *    every round (A B, B A, …): autocannon in its
 *    own process (so it does not share this event loop), `-c 50`, pipelining 1, over a rotating
 *    set of realistic bodies: short codes, on-net long numbers in national and E.164 form,
 *    off-net members and strangers, emergency, unallocated codes, sub-group SMS, conference
 *    dial-in; some roaming, some `at`. `ratio` is the median of the rounds' route/baseline
 *    ratios, `cpuRatio` the same by server CPU per request; `route` and `baseline` are the runs
 *    of the median round. (Measured one after the other a minute apart, as before, the two
 *    sides saw different machines: the host's neighbours move this VM's speed by 10–30 %.)
 *    Then where the gap goes (bench/lib/route-gap.ts), `--gap-rounds` rounds of four runs: the
 *    route; the route's pipeline (auth, hooks, logger, zod body schema, serializer) answering a
 *    fixed decision; the route's handler and schema on a Fastify with no plugins and no logger;
 *    the baseline. Each side is reported as the median of its per-round ratio to the baseline.
 * 3. Ringback on vs off over HTTP, alternately too: every group gets two tones and two policies
 *    (work hours by the calendar, and a fallback) once; before each run all 2,000 policies are
 *    PATCHed, enabled for "on" and disabled for "off", then the WAL is checkpointed and the heap
 *    collected. Both sides follow the same admin traffic; each round's ratio is on ÷ off.
 * 4. In-process: decisions/s of `decideRoute` over the same requests on the same directory,
 *    and the cost of each piece of a request (validation, auth, phone numbers, response check +
 *    serialisation) for the profile of where the time goes.
 *
 * The app runs as in production: logger at `info` (written to /dev/null), request ids, timeouts.
 *
 * `--profile` adds CPU-profiled runs: the route and the baseline, then ringback on and off. Each
 * pair is printed place by place in µs per request (a place's share of the profile times the
 * run's server CPU per request) with the difference, largest first: where the measured side's
 * extra CPU goes. The two runs of a pair follow each other, so the machine's phase can still
 * differ between them and scale every place shared by both; what one side alone has (the
 * engine, zod, the ringback resolver) is read directly, shared places only with that in mind,
 * and a difference of a few µs wants several pairs. Measured so:
 * the kernel's socket write (`native: writev`, which on loopback also delivers to the client and
 * wakes it) costs the route 8–13 µs a request more than the baseline, as much as its own JS.
 * Writes bench/results/route-http.json when run on its own; bench/run.ts imports `runRouteHttp`.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { openDatabase } from '../db/sqlite/index.js';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { toE164 } from '../src/domain/phone.js';
import type { RouteDecision, RouteRequest } from '../src/engines/vpn/index.js';
import { decideRoute } from '../src/engines/vpn/index.js';
import { RouteAnswer, RouteInput } from '../src/routes/route.js';
import { createGroupRepo } from '../src/store/group-repo.js';
import { createMemberRepo } from '../src/store/member-repo.js';
import { createDirectoryWriter } from '../src/store/routing-directory/index.js';
import { createVpnRepo } from '../src/store/vpn-repo.js';
import { BODY_AT_ISO, CONFERENCE_ACCESS_NUMBER, makeBodies } from './fixtures/route-bodies.js';
import { describeBenchData, generateBenchData, writeBenchData } from './fixtures/seed-db.js';
import { buildBaseline } from './lib/baseline.js';
import { httpRequest } from './lib/http.js';
import { type MeasuredLoad, runLoad } from './lib/load.js';
import {
  compareByPlace,
  type PlaceCost,
  type ProfileSummary,
  printPlaceCosts,
  printProfile,
  profileWhile,
} from './lib/profile.js';
import { buildRouteWithoutPlugins, FIXED_ANSWER_PATH, registerFixedAnswerRoute } from './lib/route-gap.js';

export interface RouteHttpOptions {
  members: number;
  groups: number;
  connections: number;
  pipelining: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Route and baseline (and ringback on and off) run alternately this many times each. */
  rounds: number;
  /** Rounds of the four-way split of the gap (route, fixed answer, no plugins, baseline); 0 skips it. */
  gapRounds: number;
  bodies: number;
  profile: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_ROUTE_HTTP_OPTIONS: RouteHttpOptions = {
  members: 100_000,
  groups: 1_000,
  connections: 50,
  pipelining: 1,
  durationSeconds: 6,
  warmupSeconds: 2,
  rounds: 5,
  bodies: 20_000,
  profile: false,
  gapRounds: 3,
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
  /** The route's run of the median round (the round whose ratio is the median). */
  route: Measured;
  /** Each round: the route and the baseline, one right after the other (the order alternates). */
  rounds: RoundSummary[];
  /** The route with every group's ringback policies enabled, and with all of them disabled. */
  ringback: {
    groups: number;
    setupMs: number;
    /** The runs of the median round: on (policies enabled) and off (all disabled). */
    on: Measured;
    off: Measured;
    /** Median over the rounds of on req/s ÷ off req/s. */
    ratio: number;
    /** Median over the rounds of off ÷ on server CPU per request. */
    cpuRatio: number;
    rounds: RoundSummary[];
    /** `--profile`: one profiled run of each side, compared place by place (on − off). */
    byPlace?: PlaceCost[];
  };
  baseline: Measured;
  /** Median over the rounds of route req/s ÷ baseline req/s. */
  ratio: number;
  /**
   * Median over the rounds of baseline server CPU per request ÷ route's: the ratio the req/s
   * would show if the server had a core to itself.
   */
  cpuRatio: number;
  /** Where the gap to the baseline goes (bench/lib/route-gap.ts); absent with `gapRounds` 0. */
  gap?: { rounds: number; sides: GapSide[] };
  engine: { decisions: number; ms: number; decisionsPerSecond: number };
  components: ComponentCost[];
  /** `--profile`: CPU profiles of the route server and of the baseline under the same load. */
  profile?: ProfileSummary;
  baselineProfile?: ProfileSummary;
  /** `--profile`: the two profiled runs compared place by place, µs per request (route − baseline). */
  byPlace?: PlaceCost[];
}

export interface GapSide {
  name: string;
  /** Median over the rounds of this side's req/s ÷ the baseline's in the same round. */
  ratio: number;
  /** Medians over the rounds. */
  requestsPerSecond: number;
  serverCpuMicrosecondsPerRequest: number;
  p99Ms: number;
}

/** A load run with the server's CPU per request. */
type Measured = MeasuredLoad & { serverCpuMicrosecondsPerRequest: number };

export interface RoundSummary {
  /** req/s of the measured side (route, or ringback on) and of its reference (baseline, or off). */
  requestsPerSecond: number;
  referenceRequestsPerSecond: number;
  ratio: number;
  cpuRatio: number;
}

const ADMIN_KEY = 'bench-admin-key-0123456789';
const AT_MS = Date.parse(BODY_AT_ISO);

/**
 * Runs `measured` and `reference` side by side, `rounds` times. A shared machine's speed drifts
 * by 10–30 % over minutes (neighbours on the host), so two sides measured a minute apart compare
 * the machine as much as the code; side by side, round after round, each ratio compares runs of
 * the same conditions, and the median of the rounds' ratios is the figure reported. The order
 * swaps every round (A B, B A, A B, …), so a drift during a round favours neither side.
 */
async function alternate(
  rounds: number,
  measured: () => Promise<MeasuredLoad>,
  reference: () => Promise<MeasuredLoad>,
): Promise<{
  measured: Measured;
  reference: Measured;
  ratio: number;
  cpuRatio: number;
  rounds: RoundSummary[];
}> {
  const runs = (await rotate(rounds, [measured, reference])).map(([a, b]) => ({
    measured: a!,
    reference: b!,
    summary: {
      requestsPerSecond: Math.round(a!.requestsPerSecond),
      referenceRequestsPerSecond: Math.round(b!.requestsPerSecond),
      ratio: round3(a!.requestsPerSecond / b!.requestsPerSecond),
      cpuRatio: round3(b!.serverCpuMicrosecondsPerRequest / a!.serverCpuMicrosecondsPerRequest),
    },
  }));
  const byRatio = [...runs].sort((x, y) => x.summary.ratio - y.summary.ratio);
  const median = byRatio[Math.floor((byRatio.length - 1) / 2)]!;
  return {
    measured: median.measured,
    reference: median.reference,
    ratio: median.summary.ratio,
    cpuRatio: medianOf(runs.map((r) => r.summary.cpuRatio)),
    rounds: runs.map((r) => r.summary),
  };
}

/**
 * Runs every side once per round, in the given order in even rounds and in the reverse order in
 * odd ones; answers each round's runs in the sides' order.
 */
async function rotate(rounds: number, sides: (() => Promise<MeasuredLoad>)[]): Promise<Measured[][]> {
  const out: Measured[][] = [];
  for (let round = 0; round < rounds; round++) {
    const order = sides.map((_, i) => (round % 2 === 0 ? i : sides.length - 1 - i));
    const runs: Measured[] = [];
    for (const i of order) runs[i] = withCpu(await sides[i]!());
    out.push(runs);
  }
  return out;
}

/** The lower median: with an even count, the smaller of the middle two. */
const medianOf = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)]!;

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** A request body as the route's schema reads it, `at` as epoch ms (the bench's clock instant when absent). */
function toRouteRequest(body: unknown): RouteRequest {
  const { at, ...rest } = RouteInput.parse(body);
  return { ...rest, atMs: at ?? AT_MS };
}

/**
 * A full garbage collection, to settle the heap between runs. The flag is set at run time, so
 * the bench runs with plain `tsx`, no `--expose-gc` on its command line.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const perRequest = (load: MeasuredLoad) =>
  load.requestsPerSecond > 0 ? Math.round(((load.serverCpuPercent / 100) * 1e6) / load.requestsPerSecond) : 0;
const withCpu = (load: MeasuredLoad): Measured => ({
  ...load,
  serverCpuMicrosecondsPerRequest: perRequest(load),
});

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
async function installRingback(origin: string, groupIds: string[]): Promise<Map<string, string[]>> {
  const headers = { authorization: `Bearer ${ADMIN_KEY}` };
  const post = async (path: string, payload: unknown) => {
    const res = await httpRequest(origin, { method: 'POST', path, headers, body: JSON.stringify(payload) });
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${res.text}`);
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

/** PATCHes every installed policy to `enabled`. */
async function setRingbackEnabled(origin: string, policies: Map<string, string[]>, enabled: boolean) {
  const headers = { authorization: `Bearer ${ADMIN_KEY}` };
  const body = JSON.stringify({ enabled });
  for (const [groupId, ids] of policies) {
    for (const id of ids) {
      const path = `/v1/groups/${groupId}/ringback/policies/${id}`;
      const res = await httpRequest(origin, { method: 'PATCH', path, headers, body });
      if (res.status !== 200) throw new Error(`PATCH ${path} answered ${res.status}: ${res.text}`);
    }
  }
}

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
        const store = createDirectoryWriter(CONFERENCE_ACCESS_NUMBER);
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
    let fixedAnswer: RouteDecision | undefined;
    if (options.gapRounds > 0) registerFixedAnswerRoute(app, () => fixedAnswer!);
    await app.ready();
    const appStartMs = performance.now() - start;
    const loaded = app.services.directory.membersById.size;
    if (loaded !== data.members.length)
      throw new Error(`directory holds ${loaded} members, not ${data.members.length}`);
    log(
      `directory load: ${directoryLoad.totalMs.toFixed(0)} ms (SQL ${directoryLoad.sqlMs.toFixed(0)} ms + indexes ${directoryLoad.indexMs.toFixed(0)} ms); app start with it: ${appStartMs.toFixed(0)} ms`,
    );

    const { bodies, mix } = makeBodies(data, options.bodies);

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
    // Every body must be a 200: check a sample, over HTTP (see bench/lib/http.ts).
    for (let i = 0; i < bodies.length; i += Math.ceil(bodies.length / 300)) {
      const res = await httpRequest(address, {
        method: 'POST',
        path: '/v1/route',
        headers: spec.headers,
        body: bodies[i]!,
      });
      if (res.status !== 200) throw new Error(`body ${bodies[i]} answered ${res.status}: ${res.text}`);
    }
    // The bare baseline listens from the start: its runs alternate with the route's.
    const baselineApp = await buildBaseline();
    const baselineAddress = await baselineApp.listen({ port: 0, host: '127.0.0.1' });
    const describe = (what: string, load: MeasuredLoad) =>
      log(
        `  ${what}: ${Math.round(load.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, non-2xx ${load.non2xx}, server CPU ${load.serverCpuPercent} %, client CPU ${load.clientCpuPercent} %`,
      );
    const loadOn = (url: string, what: string) => async () => {
      const load = await runLoad({ ...spec, url });
      describe(what, load);
      return load;
    };
    // One CPU-profiled run (the same load, a shorter warm-up), with its server CPU per request.
    const profiledRun = async (url: string) => {
      const { result, summary } = await profileWhile(() =>
        runLoad({ ...spec, url, warmupSeconds: 1, durationSeconds: 5 }),
      );
      return { summary, cpuMicrosecondsPerRequest: perRequest(result) };
    };
    log(
      `route ${address}/v1/route and bare Fastify ${baselineAddress}/v1/route, alternately ${options.rounds} times: autocannon -c ${options.connections} -p ${options.pipelining} for ${options.durationSeconds} s each`,
    );
    const vsBaseline = await alternate(
      options.rounds,
      loadOn(`${address}/v1/route`, 'route'),
      loadOn(`${baselineAddress}/v1/route`, 'baseline'),
    );
    log(
      `  ratio by round: ${vsBaseline.rounds.map((r) => `${(r.ratio * 100).toFixed(1)} %`).join(', ')}; median ${(vsBaseline.ratio * 100).toFixed(1)} %`,
    );

    let profile: ProfileSummary | undefined;
    let baselineProfile: ProfileSummary | undefined;
    let byPlace: PlaceCost[] | undefined;
    if (options.profile) {
      const profiled = await profiledRun(`${address}/v1/route`);
      const profiledBaseline = await profiledRun(`${baselineAddress}/v1/route`);
      profile = profiled.summary;
      baselineProfile = profiledBaseline.summary;
      byPlace = compareByPlace(profiled, profiledBaseline);
    }
    // 2b. Where the gap goes: the same pipeline with a fixed answer, the same handler without
    // the plugins, each beside the route and the baseline in every round.
    let gap: RouteHttpReport['gap'];
    if (options.gapRounds > 0) {
      const sample = bodies
        .map((b) => toRouteRequest(JSON.parse(b)))
        .map((r) => app.services.routing.decide(r))
        .find((d) => d.reason === 'vpn_short_code');
      if (sample === undefined) throw new Error('no short-code call among the bodies');
      fixedAnswer = sample;
      const admin = await app.services.apiKeys.authenticate(ADMIN_KEY);
      if (admin === null) throw new Error('the admin key does not authenticate');
      const bare = await buildRouteWithoutPlugins(app.services, admin);
      const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' });
      const names = ['route', 'fixed answer', 'no plugins', 'baseline'];
      log(
        `where the gap goes: ${names.join(', ')}, rotated ${options.gapRounds} times (the order reversed every other round)`,
      );
      const runs = await rotate(options.gapRounds, [
        loadOn(`${address}/v1/route`, 'route'),
        loadOn(`${address}${FIXED_ANSWER_PATH}`, "fixed answer (the route's pipeline, no decision)"),
        loadOn(`${bareAddress}/v1/route`, "no plugins (the route's handler and schema, no logger)"),
        loadOn(`${baselineAddress}/v1/route`, 'baseline'),
      ]);
      await bare.close();
      const sides = names.map(
        (name, i): GapSide => ({
          name,
          ratio: round3(
            medianOf(runs.map((round) => round[i]!.requestsPerSecond / round[3]!.requestsPerSecond)),
          ),
          requestsPerSecond: Math.round(medianOf(runs.map((round) => round[i]!.requestsPerSecond))),
          serverCpuMicrosecondsPerRequest: medianOf(
            runs.map((round) => round[i]!.serverCpuMicrosecondsPerRequest),
          ),
          p99Ms: medianOf(runs.map((round) => round[i]!.latencyMs.p99)),
        }),
      );
      for (const side of sides)
        log(
          `  ${side.name}: ${(side.ratio * 100).toFixed(1)} % of baseline, ${side.serverCpuMicrosecondsPerRequest} µs CPU/request (medians)`,
        );
      gap = { rounds: options.gapRounds, sides };
    }
    await baselineApp.close();

    // 3. Ringback on vs off, alternately. Every group gets two tones and two policies once;
    // then each run first PATCHes all of them, enabled for "on", disabled for "off" (a group
    // whose policies are all disabled costs a call what a group without any does). So both sides
    // follow the same admin traffic (2,000 PATCHes) and hold the same rows and heap, and differ
    // only in whether a policy applies. Earlier runs installed before "on" and deleted before
    // "off": "on" then always followed the heavier burst (4,000 POSTs and their garbage).
    const groupIds = data.groups.map((g) => g.id!);
    // Two active members of one group: the callee's answer must carry a ringback when on.
    const pair = data.members.findIndex(
      (m, i) =>
        m.status === 'active' &&
        data.members[i + 1]?.status === 'active' &&
        data.memberGroup[i] === data.memberGroup[i + 1],
    );
    const sampleRingback = async () => {
      const sample = await httpRequest(address, {
        method: 'POST',
        path: '/v1/route',
        headers: spec.headers,
        body: JSON.stringify({ from: data.members[pair]!.msisdn, to: data.members[pair + 1]!.msisdn }),
      });
      return sample.json().ringback;
    };
    // Before each measured run: the admin writes' WAL frames copied (else the background
    // checkpointer copies them during the run, on the core the load generator uses) and their
    // garbage collected (else marking and sweeping run during it).
    const settle = async () => {
      app.backend.sqlite?.$client.pragma('wal_checkpoint(TRUNCATE)');
      collectGarbage();
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 500));
    };
    const setupStart = performance.now();
    const policies = await installRingback(address, groupIds);
    const rbSetupMs = performance.now() - setupStart;
    /** Toggles every policy to `enabled`, checks a sample answer and settles the process. */
    const setRingback = async (enabled: boolean) => {
      const toggleStart = performance.now();
      await setRingbackEnabled(address, policies, enabled);
      const toggleMs = performance.now() - toggleStart;
      const heard = await sampleRingback();
      if ((heard !== null) !== enabled)
        throw new Error(`ringback ${enabled ? 'not applied' : 'still applied'}`);
      await settle();
      return toggleMs;
    };
    const ringbackSide = (enabled: boolean) => async () => {
      const toggleMs = await setRingback(enabled);
      return loadOn(
        `${address}/v1/route`,
        `ringback ${enabled ? 'on' : 'off'} (${policies.size} groups × 2 policies, toggled in ${toggleMs.toFixed(0)} ms)`,
      )();
    };
    log(`ringback on vs off, alternately ${options.rounds} times (set up in ${rbSetupMs.toFixed(0)} ms)`);
    const vsOff = await alternate(options.rounds, ringbackSide(true), ringbackSide(false));
    log(
      `  ratio by round: ${vsOff.rounds.map((r) => `${(r.ratio * 100).toFixed(1)} %`).join(', ')}; median ${(vsOff.ratio * 100).toFixed(1)} %`,
    );
    let ringbackByPlace: PlaceCost[] | undefined;
    if (options.profile) {
      // Toggled and settled outside the profile: only the load is sampled.
      await setRingback(true);
      const on = await profiledRun(`${address}/v1/route`);
      await setRingback(false);
      const off = await profiledRun(`${address}/v1/route`);
      ringbackByPlace = compareByPlace(on, off);
    }

    // 4. In-process: the engine alone, and each piece of a request.
    const { directory } = app.services;
    const tariff = app.services.tariffs.ratesAt(AT_MS);
    const parsedBodies = bodies.map((b) => JSON.parse(b) as unknown);
    const requests = parsedBodies.map(toRouteRequest);
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
    // What a request with a key seen before pays: `recall` (authenticate's first step, synchronous).
    if ((await app.services.apiKeys.authenticate(ADMIN_KEY)) === null) {
      throw new Error('the admin key does not authenticate');
    }
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
        name: 'auth: HMAC-SHA256 of a key (first sight)',
        microseconds: timePerCall([ADMIN_KEY], 300_000, (k) =>
          createHmac('sha256', 'secret').update(k).digest(),
        ),
      },
      {
        name: 'auth: apiKeys.recall (remembered key)',
        microseconds: timePerCall([ADMIN_KEY], 1_000_000, (k) => app.services.apiKeys.recall(k)),
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
      route: vsBaseline.measured,
      rounds: vsBaseline.rounds,
      ringback: {
        groups: groupIds.length,
        setupMs: Math.round(rbSetupMs),
        on: vsOff.measured,
        off: vsOff.reference,
        ratio: vsOff.ratio,
        cpuRatio: vsOff.cpuRatio,
        rounds: vsOff.rounds,
        ...(ringbackByPlace && { byPlace: ringbackByPlace }),
      },
      baseline: vsBaseline.reference,
      ratio: vsBaseline.ratio,
      cpuRatio: vsBaseline.cpuRatio,
      ...(gap && { gap }),
      engine,
      components,
      ...(profile && { profile }),
      ...(baselineProfile && { baselineProfile }),
      ...(byPlace && { byPlace }),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** What `--profile` measured: each server's profile, then the two place-by-place comparisons. */
export function printProfiles(report: RouteHttpReport): void {
  if (report.profile) printProfile(report.profile);
  if (report.baselineProfile) printProfile(report.baselineProfile, 'the bare baseline');
  if (report.byPlace)
    printPlaceCosts(
      report.byPlace,
      { measured: 'route', reference: 'baseline' },
      'route against the baseline',
    );
  if (report.ringback.byPlace)
    printPlaceCosts(report.ringback.byPlace, { measured: 'on', reference: 'off' }, 'ringback on against off');
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
  const rounds = number('rounds');
  const gapRounds = number('gap-rounds');
  if (members !== undefined) out.members = members;
  if (groups !== undefined) out.groups = groups;
  if (duration !== undefined) out.durationSeconds = duration;
  if (connections !== undefined) out.connections = connections;
  if (warmup !== undefined) out.warmupSeconds = warmup;
  if (rounds !== undefined) out.rounds = Math.max(1, Math.round(rounds));
  if (gapRounds !== undefined) out.gapRounds = Math.round(gapRounds);
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
    'route, ringback off': {
      'req/s': Math.round(report.ringback.off.requestsPerSecond),
      'p50 ms': report.ringback.off.latencyMs.p50,
      'p99 ms': report.ringback.off.latencyMs.p99,
      'server µs CPU/req': report.ringback.off.serverCpuMicrosecondsPerRequest,
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
  printProfiles(report);
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'route-http.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), out)}`);
}
