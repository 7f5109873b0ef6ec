/** The load report (profiles or a replay): what bench/report/html.ts draws and the JSON holds. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderHtml } from '../report/html.js';
import type { DrivenResult } from './drive.js';

export interface LoadCase {
  /** e.g. `route · c50` or `call flow · 200 req/s`. */
  name: string;
  /** The endpoint family: `baseline`, `route`, `sms`, `call`, `conference`, `replay`. */
  endpoint: string;
  mode: 'concurrency' | 'rate';
  connections: number;
  offeredRate?: number;
  result: DrivenResult;
}

export interface LoadReport {
  kind: 'load-profiles' | 'load-replay';
  title: string;
  startedAt: string;
  node: string;
  machine: { cpus: number; model: string; loadAverage: number[] };
  options: Record<string, unknown>;
  notes: string[];
  cases: LoadCase[];
}

export function machine(): LoadReport['machine'] {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Writes `<base>.json` and `<base>.html` in `dir`; returns their paths. */
export function writeReport(report: LoadReport, dir: string, base: string): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${base}.json`);
  const html = path.join(dir, `${base}.html`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderHtml(report));
  return { json, html };
}

/** What a fixed-rate row means: autocannon's rate is a per-second budget per connection. */
export const RATE_NOTE =
  'Fixed-rate rows use autocannon overallRate: each connection sends its share of every second as soon as it can, then waits for the next second, so the load comes in bursts at each second and their latencies include that queueing; an open-loop generator would show lower ones.';

/** One line per case, for the console. */
export function caseLine(c: LoadCase): string {
  const r = c.result;
  const l = r.latencyMs;
  return `${c.name.padEnd(34)} ${String(r.requestsPerSecond).padStart(7)} req/s  p50 ${l.p50} p90 ${l.p90} p99 ${l.p99} max ${l.max} ms  non-2xx ${r.non2xx} errors ${r.errors + r.timeouts}`;
}
