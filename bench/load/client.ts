/**
 * The load generator of bench/load, run as its own process so that it shares neither the
 * event loop nor the core with the server under test:
 * `node --import tsx bench/load/client.ts <spec.json>`.
 *
 * Sends flows (bench/load/record-file.ts): each connection takes the next flow from one shared
 * cursor and runs its steps in order, keeping the ids the answers give (`save`) for the later
 * paths of the same flow; a failed step abandons the rest of its flow. Every response's latency
 * is kept by step name, so one run yields per-endpoint percentiles and histograms. Prints
 * `MEASURE_START` when the measured run starts and one `RESULT {json}` line at the end.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { LoadFlow } from './record-file.js';
import { type HistogramBucket, histogram, type LatencySummary, summariseLatencies } from './stats.js';

export interface ClientSpec {
  origin: string;
  headers: Record<string, string>;
  flows: LoadFlow[];
  connections: number;
  /** Offered rate over all connections (autocannon `overallRate`); none: as fast as it can. */
  overallRate?: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** autocannon's progress bar on stderr. */
  progress?: boolean;
}

export interface EndpointStats {
  name: string;
  requests: number;
  non2xx: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  histogram: HistogramBucket[];
}

export interface ClientResult {
  requestsPerSecond: number;
  totalRequests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
  latencyMs: LatencySummary;
  histogram: HistogramBucket[];
  endpoints: EndpointStats[];
  /** CPU of the load generator over the measured run: 100 = one core saturated. */
  clientCpuPercent: number;
}

interface Context {
  flow?: number;
  vars?: Record<string, string>;
  failed?: boolean;
  last?: string;
}

const fill = (path: string, vars: Record<string, string> = {}) =>
  path.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);

export function runFlows(
  spec: ClientSpec,
  seconds: number,
  record: boolean,
): Promise<{ result: autocannon.Result; samples: Map<string, number[]>; codes: Map<string, number[]> }> {
  const { flows } = spec;
  if (flows.length === 0) throw new Error('no flows to send');
  const maxSteps = Math.max(...flows.map((f) => f.length));
  let cursor = 0;
  const requests: autocannon.Request[] = Array.from({ length: maxSteps }, (_, i) => ({
    setupRequest: (request, raw) => {
      const context = raw as Context;
      if (i === 0) {
        context.flow = cursor++ % flows.length;
        context.vars = {};
        context.failed = false;
      }
      const step = flows[context.flow ?? 0]?.[i];
      if (!step || context.failed) return null as unknown as autocannon.Request;
      request.method = step.method;
      request.path = fill(step.path, context.vars);
      request.body = step.body ?? '';
      request.headers = { ...request.headers, ...step.headers };
      return request;
    },
    onResponse: (status, body, raw) => {
      const context = raw as Context;
      const step = flows[context.flow ?? 0]?.[i];
      context.last = step?.name ?? '?';
      if (status >= 400) context.failed = true;
      else if (step?.save) {
        try {
          context.vars = { ...context.vars, [step.save]: String(JSON.parse(body).id) };
        } catch {
          context.failed = true;
        }
      }
    },
  }));
  const samples = new Map<string, number[]>();
  const codes = new Map<string, number[]>();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.origin,
        connections: spec.connections,
        duration: seconds,
        ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
        headers: { 'content-type': 'application/json', ...spec.headers },
        requests,
      },
      (error, result) => (error ? reject(error) : resolve({ result, samples, codes })),
    );
    if (record) {
      // onResponse (above) runs just before this event on the same client: `last` names the step.
      instance.on('response', (client, statusCode, _bytes, responseTime) => {
        const iterator = (client as unknown as { requestIterator?: { context?: Context } }).requestIterator;
        const name = iterator?.context?.last ?? '?';
        let list = samples.get(name);
        if (!list) {
          list = [];
          samples.set(name, list);
          codes.set(name, []);
        }
        list.push(responseTime);
        if (statusCode >= 400 || statusCode < 200) codes.get(name)!.push(statusCode);
      });
    }
    if (spec.progress) autocannon.track(instance, { renderResultsTable: false, renderLatencyTable: false });
  });
}

async function main(specFile: string) {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as ClientSpec;
  if (spec.warmupSeconds > 0) await runFlows(spec, spec.warmupSeconds, false);
  process.stdout.write('MEASURE_START\n');
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const { result, samples, codes } = await runFlows(spec, spec.durationSeconds, true);
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  const all: number[] = [];
  for (const list of samples.values()) for (const x of list) all.push(x);
  const duration = result.duration || spec.durationSeconds;
  const out: ClientResult = {
    requestsPerSecond: Math.round(result.requests.total / duration),
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
    ),
    durationSeconds: duration,
    latencyMs: summariseLatencies(all),
    histogram: histogram(all),
    endpoints: [...samples.entries()].map(([name, list]) => ({
      name,
      requests: list.length,
      non2xx: codes.get(name)?.length ?? 0,
      requestsPerSecond: Math.round(list.length / duration),
      latencyMs: summariseLatencies(list),
      histogram: histogram(list),
    })),
    clientCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
  };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv[2]!);
