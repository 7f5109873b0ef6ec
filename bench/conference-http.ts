/**
 * HTTP benchmark of conference control actions with a large bridge in memory.
 *
 *   npx tsx bench/conference-http.ts [--conferences 1000] [--legs 20] [--seats 40]
 *                                    [--duration 10] [--connections 50] [--warmup 3]
 *                                    [--only mute,kick] [--profile] [--sweep 1000,2000,…]
 *
 * 1. Builds the real app on a SQLite file in a temp dir and sets up `--conferences` active
 *    conferences of `--legs` joined legs each (host included) in-process, through the services
 *    (subscribers that answer at once, so every dial-out leg joins): every room, leg and event
 *    persisted as in production.
 * 2. Listens on a free port and runs autocannon (its own process: this script with `--client`)
 *    at `-c 50` over rotating control requests on random rooms:
 *    - `mute`: PATCH …/participants/{id} {muted} (alternately true and false per participant);
 *    - `mute_all`: POST …/actions {mute_all | unmute_all} (alternately);
 *    - `mixed`: 80 % mute, 20 % mute_all;
 *    - `add`: POST …/participants {msisdn} of a new number (the platform dials it);
 *    - `kick`: DELETE …/participants/{id}, each participant once.
 *    Every request changes state, so every one commits what it changed (the participant, the
 *    room's event, the leg's announcement: one per leg for mute_all) before it answers. Rooms
 *    have `--seats` free seats beyond their joined legs, for the adds.
 *    Then a bare Fastify server (bench/lib/baseline.ts) under the same settings: on a machine
 *    that is not the reference one, its p99 says what the absolute target is worth there.
 *    Each repeatable case (not add or kick, whose requests work once) is then offered at steady
 *    rates over the same 50 connections (`--sweep`, default 500 to 8,000 req/s; bench/lib/
 *    paced-client.ts, open loop, latency from when each request was due), step by step until
 *    the p99 passes 5 ms or the server falls behind: the latency of an action when the server
 *    is not saturated, and the highest steady rate that keeps the target. At `-c 50` flat out,
 *    the latency is mostly queueing: 50 requests in flight at N req/s wait 50 / N s on average.
 * 3. In-process: microseconds per control action through the service alone.
 *
 * `--only` runs the cases whose names start with one of the given words; `--profile` adds a
 * CPU-profiled run of each case (5 s) and prints where the server's time goes.
 *
 * Target (issue 6): a control action p99 ≤ 5 ms over HTTP at 50 connections.
 * Writes bench/results/conference-http.json; bench/run.ts may import `runConferenceHttp`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import type { Principal } from '../src/services/api-keys.js';
import { buildBaseline } from './lib/baseline.js';
import { httpRequest } from './lib/http.js';
import { type LoadRequest, type LoadResult, runLoad, runPacedLoad } from './lib/load.js';
import { type ProfileSummary, printProfile, profileWhile } from './lib/profile.js';

export interface ConferenceHttpOptions {
  conferences: number;
  legs: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Free seats per room beyond its joined legs: what the `add` case may fill. */
  seats: number;
  /** Run only the cases whose names start with one of these words (all when empty). */
  only: string[];
  /** A CPU-profiled run of each case after its measured one. */
  profile: boolean;
  /**
   * Offered rates (req/s over all connections) for the steady-rate sweep of each repeatable
   * case, tried in order until the p99 passes the target or the server falls behind; empty: none.
   */
  sweepRates: number[];
  log?: (line: string) => void;
}

export const DEFAULT_CONFERENCE_HTTP_OPTIONS: ConferenceHttpOptions = {
  conferences: 1_000,
  legs: 20,
  connections: 50,
  durationSeconds: 10,
  warmupSeconds: 3,
  seats: 40,
  only: [],
  profile: false,
  sweepRates: [500, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000],
};

/** One step of a steady-rate sweep (bench/lib/paced-client.ts). */
export interface SweepStep {
  offeredRate: number;
  requestsPerSecond: number;
  latencyMs: LoadResult['latencyMs'];
  non2xx: number;
  /** Requests lost: connection errors and 10 s timeouts. */
  lost: number;
  serverCpuPercent: number;
}

type RequestSpec = LoadRequest;

export interface ConferenceHttpCase extends LoadResult {
  name: string;
  /** CPU of the server process over the measured run: 100 = one core. */
  serverCpuPercent: number;
  /** `--profile`: where the server's time went in a profiled run of the same case. */
  profile?: ProfileSummary;
  /**
   * The same requests at steady offered rates over the same 50 connections: latency when the
   * server is not saturated, and `capacityAtTarget`, the highest offered rate whose p99 met
   * the target with every request answered in time (null: not even the first).
   */
  sweep?: { steps: SweepStep[]; capacityAtTarget: number | null };
}

export interface ConferenceHttpReport {
  bench: 'conference-http';
  node: string;
  options: Omit<ConferenceHttpOptions, 'log'>;
  setup: { ms: number; conferences: number; joinedLegs: number; liveInMemory: number };
  cases: ConferenceHttpCase[];
  /** A bare Fastify server under the same load generator and settings, in the same run. */
  baseline: ConferenceHttpCase;
  inProcess: Array<{ name: string; microseconds: number }>;
  targetP99Ms: number;
}

/** Issue 6: a control action's p99 over HTTP at 50 connections. */
const TARGET_P99_MS = 5;
const ADMIN_KEY = 'bench-admin-key-0123456789';
const ADMIN: Principal = { kind: 'admin', id: 'admin', canSee: () => true };
const SELF = fileURLToPath(import.meta.url);

/** Deterministic numbers: `+86133` + 8 digits, all valid mobiles, distinct per leg. */
const number = (i: number) => `+86133${String(10_000_000 + i).slice(-8)}`;

export async function runConferenceHttp(
  partial: Partial<ConferenceHttpOptions> = {},
): Promise<ConferenceHttpReport> {
  const options = { ...DEFAULT_CONFERENCE_HTTP_OPTIONS, ...partial };
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-conference-http-'));
  const app = await buildApp({
    config: testConfig({ dataDir, clock: 'simulated', adminApiKey: ADMIN_KEY, logLevel: 'silent' }),
  });
  try {
    await app.ready();
    const { groups, subscribers, conferences } = app.services;

    // 1. Set-up through the services: every dialled phone answers at once and joins.
    const started = performance.now();
    const groupIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const group = await groups.create({
        name: `会议压测集团${i + 1}`,
        institutionType: 'enterprise',
        valueTier: 'A1',
        province: 'CN-HE',
      });
      groupIds.push(group.id);
    }
    const total = options.conferences * options.legs;
    for (let i = 0; i < total; i++)
      await subscribers.put(number(i), { behaviour: 'answer', afterSeconds: 0 }, ADMIN);
    const rooms: Array<{ id: string; participantIds: string[] }> = [];
    for (let c = 0; c < options.conferences; c++) {
      const first = c * options.legs;
      const conference = await conferences.create(
        {
          hostMsisdn: number(first),
          groupId: groupIds[c % groupIds.length],
          maxParticipants: options.legs + options.seats,
          participants: Array.from({ length: options.legs - 1 }, (_, k) => ({
            msisdn: number(first + k + 1),
          })),
        },
        ADMIN,
      );
      rooms.push({
        id: conference.id,
        participantIds: conference.participants.filter((p) => p.role !== 'host').map((p) => p.id),
      });
    }
    const setupMs = performance.now() - started;
    let joinedLegs = 0;
    for (const room of rooms)
      joinedLegs += (await conferences.get(room.id, ADMIN)).participants.filter(
        (p) => p.state === 'joined',
      ).length;
    if (joinedLegs !== total) throw new Error(`${joinedLegs} legs joined, not ${total}`);
    log(
      `set up ${rooms.length.toLocaleString('en-US')} conferences × ${options.legs} joined legs in ${(setupMs / 1000).toFixed(1)} s (${conferences.liveCount()} live in memory)`,
    );

    // 2. Request mixes, deterministic: random rooms and participants, each request a change.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const mutedNext = new Map<string, boolean>();
    const allMutedNext = new Map<string, boolean>();
    const muteRequest = (): RequestSpec => {
      const room = rooms[Math.floor(random() * rooms.length)]!;
      const pid = room.participantIds[Math.floor(random() * room.participantIds.length)]!;
      const muted = mutedNext.get(pid) ?? true;
      mutedNext.set(pid, !muted);
      return {
        method: 'PATCH',
        path: `/v1/conferences/${room.id}/participants/${pid}`,
        body: JSON.stringify({ muted }),
      };
    };
    const muteAllRequest = (): RequestSpec => {
      const room = rooms[Math.floor(random() * rooms.length)]!;
      const mute = allMutedNext.get(room.id) ?? true;
      allMutedNext.set(room.id, !mute);
      return {
        method: 'POST',
        path: `/v1/conferences/${room.id}/actions`,
        body: JSON.stringify({ action: mute ? 'mute_all' : 'unmute_all' }),
      };
    };
    // Adds and kicks change a room for good: each request of these lists is used once, in an
    // order that spreads consecutive requests over all rooms.
    const addRequests = (): RequestSpec[] => {
      const list: RequestSpec[] = [];
      for (let seat = 0; seat < options.seats; seat++)
        for (const [r, room] of rooms.entries())
          list.push({
            method: 'POST',
            path: `/v1/conferences/${room.id}/participants`,
            body: JSON.stringify({ msisdn: number(total + seat * rooms.length + r) }),
          });
      return list;
    };
    const kickRequests = async (): Promise<RequestSpec[]> => {
      const byRoom: string[][] = [];
      for (const room of rooms) {
        const { participants } = await conferences.get(room.id, ADMIN);
        byRoom.push(
          participants
            .filter((p) => p.role !== 'host' && p.state !== 'kicked')
            .map((p) => `/v1/conferences/${room.id}/participants/${p.id}`),
        );
      }
      const list: RequestSpec[] = [];
      for (let k = 0; byRoom.some((paths) => k < paths.length); k++)
        for (const paths of byRoom) if (k < paths.length) list.push({ method: 'DELETE', path: paths[k]! });
      return list;
    };
    const mixes: Array<{
      name: string;
      requests: () => RequestSpec[] | Promise<RequestSpec[]>;
      once?: boolean;
    }> = [
      { name: 'mute (PATCH participant)', requests: () => Array.from({ length: 20_000 }, muteRequest) },
      { name: 'mute_all / unmute_all', requests: () => Array.from({ length: 20_000 }, muteAllRequest) },
      {
        name: 'mixed 80/20',
        requests: () =>
          Array.from({ length: 20_000 }, () => (random() < 0.8 ? muteRequest() : muteAllRequest())),
      },
      { name: 'add (POST participant, dialled)', requests: addRequests, once: true },
      { name: 'kick (DELETE participant)', requests: kickRequests, once: true },
    ];

    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const cases: ConferenceHttpCase[] = [];
    const chosen = mixes.filter(
      (mix) => options.only.length === 0 || options.only.some((word) => mix.name.startsWith(word)),
    );
    for (const mix of chosen) {
      const requests = await mix.requests();
      // Every request must succeed: check a sample over HTTP (bench/lib/http.ts); a request
      // that can only be made once is taken off the list.
      for (const r of mix.once ? requests.splice(0, 2) : requests.slice(0, 2)) {
        const res = await httpRequest(address, {
          method: r.method,
          path: r.path,
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
          ...(r.body === undefined ? {} : { body: r.body }),
        });
        if (res.status !== 200 && res.status !== 201)
          throw new Error(`${r.method} ${r.path} answered ${res.status}: ${res.text}`);
      }
      log(`${mix.name}: autocannon -c ${options.connections} for ${options.durationSeconds} s`);
      const spec = {
        url: address,
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        bodies: [],
        requests,
        connections: options.connections,
        pipelining: 1,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
      };
      const result = await runLoad(spec);
      log(
        `  ${Math.round(result.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms, non-2xx ${result.non2xx}, server CPU ${result.serverCpuPercent} %`,
      );
      const sweep = mix.once ? undefined : await sweepSteadyRates(address, requests, options, log);
      let profile: ProfileSummary | undefined;
      if (options.profile) {
        // A request used once was used by the measured run: profile the rest of the list.
        const rest = mix.once ? requests.slice(result.totalRequests * 2) : requests;
        if (rest.length > 0) {
          const profiled = await profileWhile(() =>
            runLoad({ ...spec, requests: rest, warmupSeconds: mix.once ? 0 : 1, durationSeconds: 5 }),
          );
          profile = profiled.summary;
          printProfile(profile, mix.name, log);
        }
      }
      cases.push({ name: mix.name, ...result, ...(sweep && { sweep }), ...(profile && { profile }) });
    }

    // The bare baseline under the same load generator and settings.
    const baselineApp = await buildBaseline();
    const baselineAddress = await baselineApp.listen({ port: 0, host: '127.0.0.1' });
    log(`bare Fastify baseline: autocannon -c ${options.connections} for ${options.durationSeconds} s`);
    const baseline: ConferenceHttpCase = {
      name: 'bare Fastify baseline',
      ...(await runLoad({
        url: `${baselineAddress}/v1/route`,
        headers: {},
        bodies: [JSON.stringify({ from: '+8613800138000', to: '+8613900139000', service: 'voice' })],
        connections: options.connections,
        pipelining: 1,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
      })),
    };
    await baselineApp.close();
    log(
      `  ${Math.round(baseline.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${baseline.latencyMs.p50} ms, p99 ${baseline.latencyMs.p99} ms`,
    );

    // 3. In-process: the service alone (no HTTP), on the same rooms. Every call is a change:
    // each participant and each room is toggled from the state it is in.
    // Read once before timing: the HTTP runs left every participant and room in some state.
    const muted = new Map<string, boolean>();
    const roomMuted = new Map<string, boolean>();
    const legCalls = new Map<string, string[]>();
    for (const room of rooms) {
      const { participants } = await conferences.get(room.id, ADMIN);
      legCalls.set(
        room.id,
        participants.map((p) => p.callId ?? ''),
      );
      for (const p of participants) muted.set(p.id, p.muted);
      roomMuted.set(
        room.id,
        participants.every((p) => p.role === 'host' || p.muted),
      );
    }
    const inProcess = [
      {
        name: 'setMuted (toggle)',
        microseconds: timePerCall(20_000, (i) => {
          const room = rooms[i % rooms.length]!;
          const pid = room.participantIds[Math.floor(i / rooms.length) % room.participantIds.length]!;
          const next = !muted.get(pid);
          muted.set(pid, next);
          conferences.setMuted(room.id, pid, next, ADMIN);
        }),
      },
      {
        // The announcement a mute puts on the participant's leg: the calls service's share.
        name: 'of which calls.note (one leg announcement)',
        microseconds: timePerCall(20_000, (i) => {
          const room = rooms[i % rooms.length]!;
          const callId = legCalls.get(room.id)![1 + (i % (options.legs - 1))]!;
          app.services.calls.note(callId, 'announcement', { text: 'bench' }, app.services.clock.now());
        }),
      },
      {
        name: 'mute_all / unmute_all',
        microseconds: timePerCall(4_000, (i) => {
          const room = rooms[i % rooms.length]!;
          const mute = !(roomMuted.get(room.id) ?? false);
          roomMuted.set(room.id, mute);
          conferences.act(room.id, mute ? 'mute_all' : 'unmute_all', ADMIN);
        }),
      },
    ];
    const { log: _log, ...recorded } = options;
    return {
      bench: 'conference-http',
      node: process.version,
      options: recorded,
      setup: {
        ms: Math.round(setupMs),
        conferences: rooms.length,
        joinedLegs,
        liveInMemory: conferences.liveCount(),
      },
      cases,
      baseline,
      inProcess,
      targetP99Ms: TARGET_P99_MS,
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The requests at each offered rate of `options.sweepRates` in turn (5 s each after 1 s of
 * warm-up), until a step misses the p99 target, answers with a non-2xx, loses a request (an
 * error or a 10 s timeout), or falls behind (less than 95 % of the offered rate answered).
 */
async function sweepSteadyRates(
  address: string,
  requests: RequestSpec[],
  options: ConferenceHttpOptions,
  log: (line: string) => void,
): Promise<{ steps: SweepStep[]; capacityAtTarget: number | null }> {
  const steps: SweepStep[] = [];
  let capacityAtTarget: number | null = null;
  for (const rate of options.sweepRates) {
    const run = await runPacedLoad({
      url: address,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      requests,
      connections: options.connections,
      ratePerSecond: rate,
      durationSeconds: 5,
      warmupSeconds: 1,
    });
    const { latencyMs, non2xx, requestsPerSecond, serverCpuPercent } = run;
    const lost = run.errors + run.timeouts;
    steps.push({ offeredRate: rate, requestsPerSecond, latencyMs, non2xx, lost, serverCpuPercent });
    log(
      `  steady ${rate.toLocaleString('en-US')} req/s offered: ${requestsPerSecond.toLocaleString('en-US')} answered/s, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, non-2xx ${non2xx}, lost ${lost}, server CPU ${serverCpuPercent} %`,
    );
    const kept =
      latencyMs.p99 <= TARGET_P99_MS && non2xx === 0 && lost === 0 && requestsPerSecond >= 0.95 * rate;
    if (!kept) break;
    capacityAtTarget = rate;
  }
  log(
    `  highest steady rate with p99 ≤ ${TARGET_P99_MS} ms: ${capacityAtTarget === null ? 'none' : `${capacityAtTarget.toLocaleString('en-US')} req/s`}`,
  );
  return { steps, capacityAtTarget };
}

function timePerCall(iterations: number, fn: (i: number) => void): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  return Math.round(((performance.now() - start) * 1000 * 1000) / iterations) / 1000;
}

function optionsFromArgs(args: string[]): Partial<ConferenceHttpOptions> {
  const out: Partial<ConferenceHttpOptions> = {};
  const names: Array<[string, keyof Omit<ConferenceHttpOptions, 'log' | 'only' | 'profile' | 'sweepRates'>]> =
    [
      ['conferences', 'conferences'],
      ['legs', 'legs'],
      ['duration', 'durationSeconds'],
      ['connections', 'connections'],
      ['warmup', 'warmupSeconds'],
      ['seats', 'seats'],
    ];
  const only = args.indexOf('--only');
  if (only >= 0) out.only = (args[only + 1] ?? '').split(',').filter(Boolean);
  if (args.includes('--profile')) out.profile = true;
  const sweep = args.indexOf('--sweep');
  if (sweep >= 0) {
    out.sweepRates = (args[sweep + 1] ?? '').split(',').filter(Boolean).map(Number);
    if (out.sweepRates.some((n) => !Number.isFinite(n) || n <= 0))
      throw new Error('--sweep takes rates in req/s, comma-separated (e.g. 1000,2000), or none');
  }
  for (const [flag, key] of names) {
    const i = args.indexOf(`--${flag}`);
    if (i < 0) continue;
    const n = Number(args[i + 1]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} must be a number`);
    out[key] = n;
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  {
    const report = await runConferenceHttp(optionsFromArgs(args));
    console.table(
      Object.fromEntries(
        [...report.cases, report.baseline].map((c) => [
          c.name,
          {
            'req/s': Math.round(c.requestsPerSecond),
            'p50 ms': c.latencyMs.p50,
            'p99 ms': c.latencyMs.p99,
            'max ms': c.latencyMs.max,
            non2xx: c.non2xx,
            'p99 ≤ 5 ms': c.latencyMs.p99 <= report.targetP99Ms,
            'steady req/s with p99 ≤ 5 ms': 'sweep' in c ? (c.sweep?.capacityAtTarget ?? 'none') : '',
          },
        ]),
      ),
    );
    console.table(report.inProcess.map((p) => ({ 'in-process': p.name, 'µs/action': p.microseconds })));
    const out = path.join(path.dirname(SELF), 'results', 'conference-http.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`written ${path.relative(process.cwd(), out)}`);
  }
}
