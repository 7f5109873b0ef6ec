/**
 * Runs the load client (bench/load/client.ts) as a child process against a server, and
 * measures this process's CPU while the measured run lasts (the server's, when it listens
 * here; meaningless for a remote target).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientResult, ClientSpec } from './client.js';

export interface DrivenResult extends ClientResult {
  /** CPU of this process over the measured run: 100 = one core. */
  serverCpuPercent: number;
}

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client.ts');

export async function driveLoad(spec: ClientSpec): Promise<DrivenResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  const specFile = path.join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  try {
    return await new Promise<DrivenResult>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, specFile], {
        stdio: ['ignore', 'pipe', spec.progress ? 'inherit' : 'pipe'],
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
        }
        if (cpuStart !== null && cpuEnd === null && stdout.includes('RESULT ')) {
          cpuEnd = process.cpuUsage(cpuStart);
          wallMs = performance.now() - wallStart;
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
        const result = JSON.parse(line.slice('RESULT '.length)) as ClientResult;
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
