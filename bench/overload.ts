/**
 * Overload (issue 16): calls offered past what the service can take, with load shedding on.
 *
 *   npx tsx bench/overload.ts [--duration 5]      (also the 7th part of `npm run bench`)
 *
 * The call is `POST /v1/calls` to a simulated subscriber that is busy at once: one request
 * creates the call, rings, ends it and writes its CDR (a group-committed write). Its maximum is
 * measured closed-loop (autocannon -c 50); then calls are offered open-loop at 2x and 5x that
 * maximum (bench/lib/paced-client.ts: latency counts from when a request was due), with
 * `/healthz` probed at 20/s alongside. Reported: admitted calls/s as a share of the maximum
 * (target ≥ 80 % at 2x), the shed share (503 `overloaded`), p99 of all answers (the paced
 * client does not split admitted from shed: shed answers are the fast ones, so this bounds
 * the admitted p99 from above only where few are shed), `/healthz` p99 (target ≤ 100 ms), and
 * the load client's CPU (it shares the machine's cores with the server). A bare Fastify
 * baseline is measured in the same run. Writes bench/results/overload-latest.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildBaseline } from './lib/baseline.js';
import { type MeasuredLoad, type PacedLoad, runLoad, runPacedLoad } from './lib/load.js';

const ADMIN_KEY = 'bench-overload-admin-key-0123';
const CALLEE = '+8613900139000';
const CALLERS = Array.from({ length: 50 }, (_, i) => `+86138001${String(38000 + i).padStart(5, '0')}`);
const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

export interface OverloadStep {
  factor: number;
  offeredRate: number;
  admittedPerSecond: number;
  admittedShareOfMax: number;
  shedShare: number;
  lost: number;
  p99Ms: number;
  healthzP99Ms: number;
  serverCpuPercent: number;
  clientCpuPercent: number;
}

export interface OverloadReport {
  maxCallsPerSecond: number;
  baselineRequestsPerSecond: number;
  steps: OverloadStep[];
}

const okShare = (run: MeasuredLoad) => {
  const ok = Object.entries(run.statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  return ok / Math.max(1, run.totalRequests);
};

export async function runOverload(durationSeconds = 5): Promise<OverloadReport> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-overload-'));
  // The shedding thresholds are the service's defaults unless OVERLOAD_* variables say otherwise.
  const thresholds = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name.startsWith('OVERLOAD_')),
  );
  const config = loadConfig({
    ...thresholds,
    DATA_DIR: dataDir,
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'silent',
    CLOCK: 'simulated',
  });
  const app = await buildApp({ config });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const headers = { authorization: `Bearer ${ADMIN_KEY}` };
  try {
    const busy = await fetch(`${origin}/v1/sim/subscribers/${encodeURIComponent(CALLEE)}`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ behaviour: 'busy', afterSeconds: 0 }),
    });
    if (!busy.ok) throw new Error(`setting the callee busy failed: ${busy.status}`);
    const requests = CALLERS.map((from) => ({
      method: 'POST' as const,
      path: '/v1/calls',
      body: JSON.stringify({ from, to: CALLEE }),
    }));

    const max = await runLoad({
      url: `${origin}/v1/calls`,
      headers,
      bodies: [],
      requests,
      connections: 50,
      pipelining: 1,
      durationSeconds,
      warmupSeconds: 1,
    });
    const maxCallsPerSecond = Math.round(max.requestsPerSecond * okShare(max));
    console.log(
      `maximum: ${maxCallsPerSecond} calls/s (p99 ${max.latencyMs.p99} ms, server CPU ${max.serverCpuPercent} %)`,
    );

    const steps: OverloadStep[] = [];
    for (const factor of [2, 5]) {
      const offeredRate = factor * maxCallsPerSecond;
      const [calls, health] = await Promise.all([
        runPacedLoad({
          url: origin,
          headers,
          requests,
          connections: 500,
          ratePerSecond: offeredRate,
          durationSeconds,
          warmupSeconds: 0,
          primePath: '/healthz',
        }),
        runPacedLoad({
          url: origin,
          headers: {},
          requests: [{ method: 'GET', path: '/healthz' }],
          connections: 4,
          ratePerSecond: 20,
          durationSeconds,
          warmupSeconds: 0,
          primePath: '/healthz',
        }),
      ]);
      steps.push(step(factor, offeredRate, maxCallsPerSecond, calls, health));
    }

    const baselineApp = await buildBaseline();
    const baselineOrigin = await baselineApp.listen({ port: 0, host: '127.0.0.1' });
    const baseline = await runLoad({
      url: `${baselineOrigin}/v1/route`,
      headers: {},
      bodies: [JSON.stringify({ from: CALLERS[0], to: CALLEE, service: 'voice' })],
      connections: 50,
      pipelining: 1,
      durationSeconds,
      warmupSeconds: 1,
    });
    await baselineApp.close();
    return { maxCallsPerSecond, baselineRequestsPerSecond: Math.round(baseline.requestsPerSecond), steps };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function step(
  factor: number,
  offeredRate: number,
  max: number,
  calls: PacedLoad,
  health: PacedLoad,
): OverloadStep {
  const admitted = calls.requestsPerSecond * okShare(calls);
  const shed = calls.statusCodes['503'] ?? 0;
  return {
    factor,
    offeredRate,
    admittedPerSecond: Math.round(admitted),
    admittedShareOfMax: Math.round((admitted / Math.max(1, max)) * 100) / 100,
    shedShare: Math.round((shed / Math.max(1, calls.totalRequests)) * 100) / 100,
    lost: calls.errors + calls.timeouts,
    p99Ms: calls.latencyMs.p99,
    healthzP99Ms: health.latencyMs.p99,
    serverCpuPercent: calls.serverCpuPercent,
    clientCpuPercent: calls.clientCpuPercent + health.clientCpuPercent,
  };
}

export function printOverload(report: OverloadReport): void {
  console.log(
    `calls: max ${report.maxCallsPerSecond}/s; bare Fastify baseline ${report.baselineRequestsPerSecond} req/s (same run)`,
  );
  console.table(
    report.steps.map((s) => ({
      offered: `${s.factor}x (${s.offeredRate}/s)`,
      'admitted/s': s.admittedPerSecond,
      'of max (≥ 80 % at 2x)': `${Math.round(s.admittedShareOfMax * 100)} %`,
      shed: `${Math.round(s.shedShare * 100)} %`,
      lost: s.lost,
      'p99 ms': s.p99Ms,
      'healthz p99 ms (≤ 100)': s.healthzP99Ms,
      'server CPU %': s.serverCpuPercent,
      'client CPU %': s.clientCpuPercent,
    })),
  );
}

export function writeOverload(report: OverloadReport): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, 'overload-latest.json');
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), loadAverage: os.loadavg(), ...report }, null, 2)}\n`,
  );
  return file;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const at = process.argv.indexOf('--duration');
  const report = await runOverload(at === -1 ? 5 : Number(process.argv[at + 1]) || 5);
  printOverload(report);
  console.log(`written ${path.relative(process.cwd(), writeOverload(report))}`);
}
