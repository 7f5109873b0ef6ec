/**
 * An open-loop load generator at a steady offered rate, run as its own process like
 * bench/lib/load-client.ts (same `MEASURE_START` / `RESULT {json}` protocol):
 * `node --import tsx bench/lib/paced-client.ts <spec.json>`.
 *
 * Why not autocannon's `overallRate`: it releases each second's requests at the start of the
 * second, so at 2,000 req/s a request waits behind up to 2,000 others sent the same instant and
 * its latency measures that burst, not the server (a conference mute read p50 8 ms, p99 22 ms
 * that way at a fifth of the server's capacity). Here request n is due at start + n / rate,
 * sent within the millisecond it is due over up to `connections` keep-alive sockets, and its
 * latency counts from when it was due: time spent waiting for a free connection is included,
 * so an overloaded server cannot hide behind a generator that slowed down (no coordinated
 * omission).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { LoadResult, PacedSpec } from './load.js';

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as PacedSpec;
const target = new URL(spec.url);
const agent = new http.Agent({
  keepAlive: true,
  maxSockets: spec.connections,
  maxFreeSockets: spec.connections,
});
const requests = spec.requests;
let next = 0;

/** A request unanswered this long is given up and counted as a timeout, so a run always ends. */
const TIMEOUT_MS = 10_000;

interface Outcome {
  latencies: number[];
  statusCodes: Map<number, number>;
  errors: number;
  timeouts: number;
}

function send(dueAt: number, outcome: Outcome | null, done: () => void) {
  const r = requests[next++ % requests.length]!;
  const body = r.body;
  const req = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: r.method,
      path: r.path,
      agent,
      timeout: TIMEOUT_MS,
      headers: {
        ...spec.headers,
        ...(body === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
      },
    },
    (res) => {
      res.resume();
      res.on('end', () => {
        if (outcome !== null) {
          outcome.latencies.push(performance.now() - dueAt);
          const code = res.statusCode ?? 0;
          outcome.statusCodes.set(code, (outcome.statusCodes.get(code) ?? 0) + 1);
        }
        done();
      });
    },
  );
  let timedOut = false;
  req.on('timeout', () => {
    timedOut = true;
    req.destroy();
  });
  req.on('error', () => {
    if (outcome !== null) {
      if (timedOut) outcome.timeouts++;
      else outcome.errors++;
    }
    done();
  });
  req.end(body);
}

/** Sends `seconds × rate` requests on schedule; resolves when every one has answered. */
function run(seconds: number, outcome: Outcome | null): Promise<void> {
  const total = Math.round(seconds * spec.ratePerSecond);
  const interval = 1000 / spec.ratePerSecond;
  const start = performance.now();
  let sent = 0;
  let answered = 0;
  return new Promise((resolve) => {
    const done = () => {
      answered++;
      if (answered === total) resolve();
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (sent < due) {
        send(start + sent * interval, outcome, done);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Opens every connection before the measured run, with one `GET primePath` each at once, as a
 * load balancer keeps its pool open. Why: libuv accepts one new connection per event-loop
 * iteration, so a storm of new connections against a busy server waits in the kernel's accept
 * queue (measured: hundreds of call connections opened over the first seconds of a 2x run held
 * a new `/healthz` connection there for 3 to 9 s while every kept-alive one answered in 2 ms).
 */
async function prime(path: string): Promise<void> {
  await Promise.all(
    Array.from(
      { length: spec.connections },
      () =>
        new Promise<void>((resolve) => {
          const req = http.get({ host: target.hostname, port: target.port, path, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          });
          req.on('error', () => resolve());
        }),
    ),
  );
}

if (spec.primePath !== undefined) await prime(spec.primePath);
if (spec.warmupSeconds > 0) await run(spec.warmupSeconds, null);
process.stdout.write('MEASURE_START\n');
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const outcome: Outcome = { latencies: [], statusCodes: new Map(), errors: 0, timeouts: 0 };
await run(spec.durationSeconds, outcome);
const cpu = process.cpuUsage(cpuStart);
const wallMs = performance.now() - wallStart;
agent.destroy();

const sorted = outcome.latencies.sort((a, b) => a - b);
let non2xx = 0;
for (const [code, count] of outcome.statusCodes) if (code < 200 || code > 299) non2xx += count;
const out: LoadResult & { offeredRate: number } = {
  offeredRate: spec.ratePerSecond,
  // Answered requests over the time it took to send and answer them all.
  requestsPerSecond: Math.round((sorted.length / wallMs) * 1000),
  totalRequests: sorted.length,
  latencyMs: {
    mean: ms(sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length)),
    p50: ms(percentile(sorted, 50)),
    p90: ms(percentile(sorted, 90)),
    p99: ms(percentile(sorted, 99)),
    max: ms(sorted.at(-1) ?? 0),
  },
  non2xx,
  errors: outcome.errors,
  timeouts: outcome.timeouts,
  statusCodes: Object.fromEntries(outcome.statusCodes),
  durationSeconds: Math.round(wallMs) / 1000,
  clientCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
};
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
