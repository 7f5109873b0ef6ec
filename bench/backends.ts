/**
 * SQLite and PostgreSQL side by side in one run (issue 18): the same cases on the same
 * generated data, the backends alternating round by round, with the server's and the
 * database's CPU per request.
 *
 *   npx tsx bench/backends.ts [--rounds 3] [--duration 5] [--warmup 1] [--connections 50]
 *                             [--members 100000] [--groups 1000] [--load-members 20000]
 *                             [--only route,call,conference]
 *
 * Cases (each on a fresh database of each backend: a new SQLite file, a new PostgreSQL
 * database copied from one seeded once per data set, bench/lib/postgres.ts):
 * - `route`: POST /v1/route over the busy-hour mix (bench/fixtures/route-bodies.ts) on the
 *   route bench's directory (100,000 members). The route reads only memory, so PostgreSQL
 *   must land within the spread of the SQLite rounds.
 * - `call`: a full call, create → answer → hangup (its CDR written), between colleagues of
 *   the load profiles' directory (20,000 members); each step counts as a request.
 * - `conference`: mute and unmute a participant, mute all and unmute all, on conferences
 *   set up in-process with every leg joined (bench/load/profiles.ts).
 *
 * Both apps listen in this process; the load client (bench/load/client.ts) runs in its own.
 * Over each measured window: the server's CPU (this process, `process.cpuUsage()`), and the
 * PostgreSQL server's (the postmaster and everything it forked, read from /proc:
 * bench/lib/cpu.ts). SQLite's work is done inside the server process, so its database CPU is
 * in the server's figure. A case a backend cannot run yet is reported as "not available",
 * with the reason, and the run goes on.
 *
 * PostgreSQL: `BENCH_DATABASE_URL` (a role that may CREATE DATABASE; its CPU is measured only
 * when the server runs on this machine), else an embedded one started for the run.
 * Writes bench/results/backends.json when run on its own; bench/run.ts imports `runBackends`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { openPostgres } from '../db/postgres/index.js';
import { openDatabase } from '../db/sqlite/index.js';
import { buildApp } from '../src/app.js';
import { type Config, testConfig } from '../src/config.js';
import { makeBodies } from './fixtures/route-bodies.js';
import { type BenchData, generateBenchData, writeBenchData } from './fixtures/seed-db.js';
import { writeBenchDataPostgres } from './fixtures/seed-postgres.js';
import {
  type BackendRun,
  medianRun,
  perRequest,
  roundOrder,
  spread,
  withinSpread,
} from './lib/backend-rounds.js';
import { type CpuMeter, cpuWindow, ownProcessMeter, processTreeMeter } from './lib/cpu.js';
import { httpRequest } from './lib/http.js';
import { type BenchDatabase, type BenchPostgres, startBenchPostgres } from './lib/postgres.js';
import { driveLoad } from './load/drive.js';
import { callFlow, colleaguePairs, setUpConferences, single } from './load/profiles.js';
import type { LoadFlow } from './load/record-file.js';

export type BackendName = 'sqlite' | 'postgres';
const BACKENDS: readonly BackendName[] = ['sqlite', 'postgres'];
export const BACKEND_CASES = ['route', 'call', 'conference'] as const;
export type BackendCaseName = (typeof BACKEND_CASES)[number];

export interface BackendsOptions {
  /** The route case's directory (the route bench's). */
  members: number;
  groups: number;
  /** The call and conference cases' directory (the load profiles'). */
  loadMembers: number;
  loadGroups: number;
  conferences: number;
  legs: number;
  connections: number;
  /** Each case runs on each backend this many times, alternating. */
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Only these cases; empty: all. */
  only: BackendCaseName[];
  log?: (line: string) => void;
}

export const DEFAULT_BACKENDS_OPTIONS: BackendsOptions = {
  members: 100_000,
  groups: 1_000,
  loadMembers: 20_000,
  loadGroups: 200,
  conferences: 100,
  legs: 6,
  connections: 50,
  rounds: 3,
  durationSeconds: 5,
  warmupSeconds: 1,
  only: [],
};

export type BackendSide =
  | { backend: BackendName; available: true; median: BackendRun; rounds: BackendRun[] }
  | { backend: BackendName; available: false; reason: string };

export interface BackendCase {
  name: BackendCaseName;
  title: string;
  members: number;
  sqlite: BackendSide;
  postgres: BackendSide;
  /** The route: PostgreSQL's median req/s lies within the SQLite rounds' smallest to largest. */
  postgresWithinSqliteSpread?: boolean;
}

export interface BackendsReport {
  bench: 'backends';
  startedAt: string;
  options: Omit<BackendsOptions, 'log'>;
  postgres: { description: string; serverPid: number | null; databaseCpu: string };
  cases: BackendCase[];
}

const ADMIN_KEY = 'bench-backends-admin-key-0123456789';
const HEADERS = { authorization: `Bearer ${ADMIN_KEY}` };

/** A case's app on one backend, listening, with what its measured windows read. */
interface Target {
  backend: BackendName;
  app: FastifyInstance;
  origin: string;
  /** The server process first, then the database server's processes (PostgreSQL only). */
  meters: CpuMeter[];
  flows: LoadFlow[];
  close(): Promise<void>;
}

/** A case a backend cannot run: said in the report, not thrown out of the run. */
class NotAvailable extends Error {}

const TITLES: Record<BackendCaseName, string> = {
  route: 'POST /v1/route',
  call: 'call: create → answer → hangup',
  conference: 'conference control: mute, mute all',
};

export async function runBackends(partial: Partial<BackendsOptions> = {}): Promise<BackendsReport> {
  const options = { ...DEFAULT_BACKENDS_OPTIONS, ...partial };
  const log = options.log ?? ((line: string) => console.log(line));
  const startedAt = new Date().toISOString();
  const wanted = BACKEND_CASES.filter((c) => options.only.length === 0 || options.only.includes(c));
  const postgres = await startBenchPostgres();
  const databaseCpu =
    postgres.serverPid === null
      ? 'not measured: the PostgreSQL server is not a process of this machine'
      : `measured: processes of postmaster ${postgres.serverPid}, from /proc`;
  log(`PostgreSQL: ${postgres.description}; database CPU ${databaseCpu}`);
  const seeded = new Map<string, Promise<BenchDatabase>>();
  const cases: BackendCase[] = [];
  try {
    const datasets = new Map<string, BenchData>();
    const dataFor = (members: number, groups: number) => {
      const key = `${members}_${groups}`;
      let data = datasets.get(key);
      if (data === undefined) {
        data = generateBenchData({ members, groups });
        datasets.set(key, data);
      }
      return { key, data };
    };
    for (const name of wanted) {
      const [members, groups] =
        name === 'route' ? [options.members, options.groups] : [options.loadMembers, options.loadGroups];
      const { key, data } = dataFor(members, groups);
      // One seeded PostgreSQL database per data set, copied for every case that uses it.
      let template = seeded.get(key);
      if (template === undefined) {
        template = seedTemplate(postgres, key, data, log);
        seeded.set(key, template);
      }
      log(`${name}: ${members.toLocaleString('en-US')} members, ${options.rounds} rounds of both backends`);
      cases.push(
        await runCase(
          name,
          data,
          postgres,
          template.then((t) => t.name),
          options,
          log,
        ),
      );
    }
  } finally {
    // A given server (BENCH_DATABASE_URL) keeps nothing of the run; an embedded one goes whole.
    for (const template of seeded.values()) await template.then((t) => t.drop()).catch(() => {});
    await postgres.stop();
  }
  const { log: _log, ...shown } = options;
  return {
    bench: 'backends',
    startedAt,
    options: shown,
    postgres: { description: postgres.description, serverPid: postgres.serverPid, databaseCpu },
    cases,
  };
}

/** Seeds a database once for a data set, to be copied by the cases (CREATE DATABASE … TEMPLATE). */
async function seedTemplate(
  postgres: BenchPostgres,
  key: string,
  data: BenchData,
  log: (line: string) => void,
): Promise<BenchDatabase> {
  const started = performance.now();
  const database = await postgres.createDatabase(`seeded_${key}`);
  try {
    const opened = await openPostgres(database.url);
    try {
      await writeBenchDataPostgres(opened.db, data);
    } finally {
      await opened.close();
    }
  } catch (error) {
    await database.drop();
    throw error;
  }
  log(
    `  PostgreSQL seeded with ${data.members.length} members in ${Math.round(performance.now() - started)} ms`,
  );
  return database;
}

async function runCase(
  name: BackendCaseName,
  data: BenchData,
  postgres: BenchPostgres,
  template: Promise<string>,
  options: BackendsOptions,
  log: (line: string) => void,
): Promise<BackendCase> {
  const sides = new Map<BackendName, BackendSide>();
  const targets: Target[] = [];
  try {
    for (const backend of BACKENDS) {
      try {
        const target =
          backend === 'sqlite'
            ? await sqliteTarget(data)
            : await postgresTarget(data, postgres, `${name}_case`, await template);
        targets.push(target);
        target.flows = await flowsFor(name, target.app, data, options);
        await checkFlows(target.origin, target.flows);
      } catch (error) {
        const reason = error instanceof NotAvailable ? error.message : `set-up failed: ${messageOf(error)}`;
        log(`  ${backend}: not available: ${reason}`);
        sides.set(backend, { backend, available: false, reason });
      }
    }
    const running = targets.filter((t) => !sides.has(t.backend));
    const runs = new Map<BackendName, BackendRun[]>(running.map((t) => [t.backend, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (const target of roundOrder(running, round)) {
        try {
          const result = await measure(target, options);
          runs.get(target.backend)!.push(result);
          log(`  round ${round + 1} ${target.backend}: ${runLine(result)}`);
        } catch (error) {
          // A backend that fails mid-run is reported so; the other goes on.
          const reason = `the load run failed: ${messageOf(error)}`;
          log(`  ${target.backend}: not available: ${reason}`);
          sides.set(target.backend, { backend: target.backend, available: false, reason });
          running.splice(running.indexOf(target), 1);
        }
      }
    }
    for (const target of running) {
      const rounds = runs.get(target.backend)!;
      sides.set(target.backend, {
        backend: target.backend,
        available: true,
        median: medianRun(rounds),
        rounds,
      });
    }
  } finally {
    for (const target of targets) await target.close();
  }
  const sqlite = sides.get('sqlite')!;
  const pg = sides.get('postgres')!;
  const out: BackendCase = { name, title: TITLES[name], members: data.members.length, sqlite, postgres: pg };
  if (name === 'route' && sqlite.available && pg.available) {
    out.postgresWithinSqliteSpread = withinSpread(
      pg.median.requestsPerSecond,
      sqlite.rounds.map((r) => r.requestsPerSecond),
    );
  }
  return out;
}

function runLine(r: BackendRun): string {
  const db = r.dbCpuMsPerRequest === null ? '' : ` + database ${r.dbCpuMsPerRequest} ms`;
  return `${r.requestsPerSecond.toLocaleString('en-US')} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, CPU/request server ${r.serverCpuMsPerRequest} ms${db}, non-2xx ${r.non2xx}, errors ${r.errors}`;
}

/** One measured load run on a target, with each meter read over the measured window. */
async function measure(target: Target, options: BackendsOptions): Promise<BackendRun> {
  const window = cpuWindow(target.meters);
  let spent: Array<number | null> = [];
  const result = await driveLoad(
    {
      origin: target.origin,
      headers: HEADERS,
      flows: target.flows,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
    },
    { start: () => window.start(), stop: () => (spent = window.stop()) },
  );
  const requests = result.totalRequests;
  return {
    requestsPerSecond: Math.round(result.requestsPerSecond),
    p50Ms: tenths(result.latencyMs.p50),
    p99Ms: tenths(result.latencyMs.p99),
    totalRequests: requests,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    serverCpuMsPerRequest: perRequest(spent[0] ?? null, requests) ?? 0,
    dbCpuMsPerRequest: target.meters.length > 1 ? perRequest(spent[1] ?? null, requests) : null,
  };
}

const tenths = (ms: number) => Math.round(ms * 10) / 10;

function appConfig(overrides: Partial<Config>): Readonly<Config> {
  return testConfig({ logLevel: 'info', clock: 'simulated', adminApiKey: ADMIN_KEY, ...overrides });
}

/** As in production: the logger at info, to /dev/null. */
async function startApp(
  config: Readonly<Config>,
  data: BenchData,
): Promise<{ app: FastifyInstance; origin: string }> {
  const backend = config.databaseUrl === undefined ? 'SQLite' : 'PostgreSQL';
  let app: FastifyInstance;
  try {
    app = await buildApp({
      config,
      logger: { level: 'info', stream: pino.destination({ dest: '/dev/null', sync: true }) },
    });
  } catch (error) {
    throw new NotAvailable(`the app does not start on ${backend}: ${messageOf(error)}`);
  }
  try {
    await app.ready();
    const loaded = app.services.directory.membersById.size;
    if (loaded !== data.members.length) {
      throw new NotAvailable(
        loaded === 0 && config.databaseUrl !== undefined
          ? 'this build does not run the app on PostgreSQL (with DATABASE_URL set its directory is empty)'
          : `the directory holds ${loaded} members, not ${data.members.length}`,
      );
    }
    return { app, origin: await app.listen({ port: 0, host: '127.0.0.1' }) };
  } catch (error) {
    await app.close();
    throw error;
  }
}

async function sqliteTarget(data: BenchData): Promise<Target> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-backends-'));
  try {
    const seedDb = openDatabase(dataDir);
    writeBenchData(seedDb, data);
    seedDb.$client.close();
    const { app, origin } = await startApp(appConfig({ dataDir }), data);
    return {
      backend: 'sqlite',
      app,
      origin,
      meters: [ownProcessMeter],
      flows: [],
      close: async () => {
        await app.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function postgresTarget(
  data: BenchData,
  postgres: BenchPostgres,
  label: string,
  template: string,
): Promise<Target> {
  const database = await postgres.createDatabase(label, template);
  try {
    // No SQLite file: with DATABASE_URL the app must keep nothing in DATA_DIR.
    const { app, origin } = await startApp(
      appConfig({ dataDir: ':memory:', databaseUrl: database.url }),
      data,
    );
    const meters =
      postgres.serverPid === null
        ? [ownProcessMeter]
        : [ownProcessMeter, processTreeMeter(postgres.serverPid)];
    return {
      backend: 'postgres',
      app,
      origin,
      meters,
      flows: [],
      close: async () => {
        await app.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** The case's requests on an app: the same on both backends (conference ids are each app's own). */
async function flowsFor(
  name: BackendCaseName,
  app: FastifyInstance,
  data: BenchData,
  options: BackendsOptions,
): Promise<LoadFlow[]> {
  switch (name) {
    case 'route':
      return makeBodies(data, 5_000).bodies.map((b) => single('route', 'POST', '/v1/route', JSON.parse(b)));
    case 'call':
      return colleaguePairs(data, Math.min(5_000, Math.floor(data.members.length / 3))).map((p) =>
        callFlow(p.from, p.to),
      );
    case 'conference':
      return setUpConferences(app, options);
  }
}

/** Runs a few flows whole, over HTTP: every step must succeed before a case is measured. */
async function checkFlows(origin: string, flows: LoadFlow[], count = 3): Promise<void> {
  if (flows.length === 0) throw new NotAvailable('nothing to send');
  for (const flow of flows.slice(0, count)) {
    const vars: Record<string, string> = {};
    for (const step of flow) {
      const stepPath = step.path.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);
      const res = await httpRequest(origin, {
        method: step.method,
        path: stepPath,
        headers: HEADERS,
        ...(step.body === undefined ? {} : { body: step.body }),
      });
      if (res.status >= 300) {
        throw new NotAvailable(
          `${step.method} ${step.path} answered ${res.status}: ${res.text.slice(0, 200)}`,
        );
      }
      if (step.save) vars[step.save] = String(res.json().id);
    }
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
}

/** The console table of a report: one row per case and backend. */
export function backendRows(report: BackendsReport): Array<Record<string, string>> {
  return report.cases.flatMap((c) =>
    [c.sqlite, c.postgres].map((side) => {
      const row: Record<string, string> = { case: c.title, backend: side.backend };
      if (!side.available) return { ...row, 'req/s': `not available: ${side.reason}` };
      const m = side.median;
      const rps = side.rounds.map((r) => r.requestsPerSecond);
      const { min, max } = spread(rps);
      return {
        ...row,
        'req/s': m.requestsPerSecond.toLocaleString('en-US'),
        'rounds req/s': `${min.toLocaleString('en-US')}–${max.toLocaleString('en-US')}`,
        'p99 ms': String(m.p99Ms),
        'non-2xx': String(m.non2xx),
        'server CPU ms/req': String(m.serverCpuMsPerRequest),
        'DB CPU ms/req':
          side.backend === 'sqlite'
            ? '(in server)'
            : m.dbCpuMsPerRequest === null
              ? 'n/a'
              : String(m.dbCpuMsPerRequest),
      };
    }),
  );
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Options from a command line; `prefix` names them inside `npm run bench` (`--backend-rounds`). */
export function backendsOptionsFromArgs(args: string[], prefix = ''): Partial<BackendsOptions> {
  const out: Partial<BackendsOptions> = {};
  const number = (name: string, set: (n: number) => void) => {
    const value = argValue(args, `${prefix}${name}`);
    if (value === undefined) return;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${prefix}${name} must be a positive number`);
    set(n);
  };
  number('rounds', (n) => {
    out.rounds = Math.round(n);
  });
  number('duration', (n) => {
    out.durationSeconds = n;
  });
  number('warmup', (n) => {
    out.warmupSeconds = n;
  });
  number('connections', (n) => {
    out.connections = Math.round(n);
  });
  number('members', (n) => {
    out.members = Math.round(n);
  });
  number('groups', (n) => {
    out.groups = Math.round(n);
  });
  number('load-members', (n) => {
    out.loadMembers = Math.round(n);
  });
  const only = argValue(args, `${prefix}only`);
  if (only !== undefined) {
    const names = only.split(',').filter((x) => x !== '');
    const unknown = names.filter((x) => !(BACKEND_CASES as readonly string[]).includes(x));
    if (unknown.length > 0) throw new Error(`--${prefix}only: unknown case ${unknown.join(', ')}`);
    out.only = names as BackendCaseName[];
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await runBackends(backendsOptionsFromArgs(process.argv.slice(2)));
  console.table(backendRows(report));
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'backends.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), out)}`);
}
