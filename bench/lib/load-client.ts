/**
 * The load generator, run as its own process so that it does not share the event loop (or the
 * core) with the server under test: `node --import tsx bench/lib/load-client.ts <spec.json>`.
 *
 * Runs autocannon once to warm up and once to measure, rotating the request bodies (or whole
 * requests) through
 * `setupRequest`, and prints `MEASURE_START` when the measured run starts and one
 * `RESULT {json}` line at the end.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.js';

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
const bodies = spec.bodies;
const requests = spec.requests;
let next = 0;

function run(seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        pipelining: spec.pipelining,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...spec.headers },
            setupRequest: (request) => {
              if (requests !== undefined) {
                const r = requests[next++ % requests.length]!;
                request.method = r.method;
                request.path = r.path;
                request.body = r.body ?? '';
                // A bodiless request (a DELETE) must not claim a JSON body.
                if (r.body === undefined) {
                  const { 'content-type': _json, ...headers } = request.headers ?? {};
                  request.headers = headers;
                } else {
                  request.headers = { ...request.headers, 'content-type': 'application/json' };
                }
              } else {
                request.body = bodies[next++ % bodies.length]!;
              }
              return request;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

if (spec.warmupSeconds > 0) await run(spec.warmupSeconds);
process.stdout.write('MEASURE_START\n');
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const result = await run(spec.durationSeconds);
const cpu = process.cpuUsage(cpuStart);
const wallMs = performance.now() - wallStart;

const out: LoadResult = {
  requestsPerSecond: result.requests.average,
  totalRequests: result.requests.total,
  latencyMs: {
    mean: result.latency.mean,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  },
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
  ),
  durationSeconds: result.duration,
  clientCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
};
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
