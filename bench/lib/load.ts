/**
 * Drives autocannon from a child process (bench/lib/load-client.ts) against a server that
 * listens in this process, and measures this process's CPU while the measured run lasts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One request of a rotation: any method and path (e.g. conference control). */
export interface LoadRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: string;
}

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  /** Request bodies POSTed to `url`, rotated request by request across all connections. */
  bodies: string[];
  /** Instead of `bodies`: whole requests, rotated the same way. */
  requests?: LoadRequest[];
  connections: number;
  pipelining: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  /** autocannon's mean of the per-second request counts. */
  requestsPerSecond: number;
  totalRequests: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
  /** CPU of the load generator over the measured run: 100 = one core saturated. */
  clientCpuPercent: number;
}

export interface MeasuredLoad extends LoadResult {
  /** CPU of this (the server's) process over the measured run: 100 = one core. */
  serverCpuPercent: number;
}

/** An open-loop run at a steady offered rate (bench/lib/paced-client.ts). */
export interface PacedSpec {
  url: string;
  headers: Record<string, string>;
  requests: LoadRequest[];
  /** The most keep-alive connections open at once. */
  connections: number;
  ratePerSecond: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Opens all `connections` with a GET of this path before the run (bench/lib/paced-client.ts). */
  primePath?: string;
}

export interface PacedLoad extends MeasuredLoad {
  offeredRate: number;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = path.join(HERE, 'load-client.ts');
const PACED_CLIENT = path.join(HERE, 'paced-client.ts');

/**
 * Called when the load client starts its measured run and when it reports: where a bench reads
 * other CPU meters (a database server's: bench/lib/cpu.ts) over the same window.
 */
export interface MeasureWindowHooks {
  start(): void;
  stop(): void;
}

export function runLoad(spec: LoadSpec, window?: MeasureWindowHooks): Promise<MeasuredLoad> {
  return measureChild<LoadResult>(CLIENT, [], spec, window ? { window } : {});
}

export function runPacedLoad(spec: PacedSpec): Promise<PacedLoad> {
  return measureChild<LoadResult & { offeredRate: number }>(PACED_CLIENT, [], spec);
}

/**
 * Runs a load-generator script (`node --import tsx <script> ...args <spec.json>`) in its own
 * process and measures this process's CPU between the script's `MEASURE_START` line and its
 * `RESULT {json}` line: the server's CPU when the server listens here. Every load generator of
 * the benchmarks speaks this small protocol.
 */
export async function measureChild<T>(
  script: string,
  args: string[],
  spec: unknown,
  options: { inheritStderr?: boolean; window?: MeasureWindowHooks } = {},
): Promise<T & { serverCpuPercent: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  const specFile = path.join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args, specFile], {
        stdio: ['ignore', 'pipe', options.inheritStderr ? 'inherit' : 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let cpuStart: NodeJS.CpuUsage | null = null;
      let wallStart = 0;
      let cpuEnd: NodeJS.CpuUsage | null = null;
      let wallMs = 0;
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (cpuStart === null && stdout.includes('MEASURE_START\n')) {
          cpuStart = process.cpuUsage();
          wallStart = performance.now();
          options.window?.start();
        }
        if (cpuStart !== null && cpuEnd === null && stdout.includes('RESULT ')) {
          cpuEnd = process.cpuUsage(cpuStart);
          wallMs = performance.now() - wallStart;
          options.window?.stop();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (code !== 0 || !line) {
          reject(new Error(`load client exited with ${code}:\n${stderr}\n${stdout}`));
          return;
        }
        const result = JSON.parse(line.slice('RESULT '.length)) as T;
        const used = cpuEnd ?? process.cpuUsage(cpuStart ?? undefined);
        const serverCpuPercent =
          wallMs > 0 ? Math.round(((used.user + used.system) / 1000 / wallMs) * 100) : 0;
        resolve({ ...result, serverCpuPercent });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
