/**
 * Runs the load client (bench/load/client.ts) as a child process against a server, and
 * measures this process's CPU while the measured run lasts (the server's, when it listens
 * here; meaningless for a remote target).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MeasureWindowHooks, measureChild } from '../lib/load.js';
import type { ClientResult, ClientSpec } from './client.js';

export interface DrivenResult extends ClientResult {
  /** CPU of this process over the measured run: 100 = one core. */
  serverCpuPercent: number;
}

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client.ts');

/** `window`: other CPU meters to read over the measured run (bench/lib/load.ts). */
export function driveLoad(spec: ClientSpec, window?: MeasureWindowHooks): Promise<DrivenResult> {
  return measureChild<ClientResult>(CLIENT, [], spec, {
    inheritStderr: spec.progress === true,
    ...(window ? { window } : {}),
  });
}
