import { Worker } from 'node:worker_threads';
import type { Config } from '../../config.js';
import type { ScenarioIssue } from './parse.js';
import type { ScenarioReport, StepReport } from './report.js';
import type { PartHead } from './runner.js';
import { type StopReason, stoppedReport } from './sandbox-report.js';
import type { SandboxJob, SandboxMessage } from './sandbox-worker.js';

/**
 * The scenario sandbox behind `POST /v1/scenarios/run`. Each run gets a worker thread of its own
 * (a fresh app inside it), so nothing a posted scenario does can hold the service's event loop:
 * the worker's heap is capped, and past the run's time limit plus a grace the worker is
 * terminated and the run answered with what it had done. Runs are admitted per API key and in
 * all; a finished run leaves nothing behind (its worker has exited before the answer goes out).
 */

export interface SandboxLimits {
  /** Starting: the worker up, the scenario read and checked, the app's modules loaded. */
  startLimitMs: number;
  /** The run's own limit, from its start: steps not begun by then are reported as skipped. */
  timeLimitMs: number;
  /** Past the time limit by this much, a run still going (a step that never returns) is stopped. */
  graceMs: number;
  /** The worker's heap (V8 old generation), MiB. */
  heapMb: number;
  /** Runs at a time, in all. */
  concurrency: number;
  /** Runs at a time per API key. */
  perKey: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  startLimitMs: 30_000,
  timeLimitMs: 30_000,
  graceMs: 2_000,
  heapMb: 256,
  concurrency: 2,
  perKey: 1,
};

export type SandboxOutcome =
  | { kind: 'report'; report: ScenarioReport }
  | { kind: 'invalid'; issues: ScenarioIssue[]; source: 'text' | 'value' }
  /** Stopped while the scenario was still being read: no report to give. */
  | { kind: 'stopped'; reason: StopReason; detail: string };

export interface Sandbox {
  readonly limits: SandboxLimits;
  /** A place for a run of this key, with its release; undefined when the key or all are busy. */
  admit(key: string): (() => void) | undefined;
  run(body: unknown, overrides: Partial<Config>): Promise<SandboxOutcome>;
  /** Workers alive now (tests: none once every run has answered). */
  liveWorkers(): number;
}

/**
 * The worker's entry. From the built output it is the compiled JavaScript; under tsx or vitest,
 * the TypeScript source, loaded through tsx's loader registered inside the worker (Node 20
 * does not apply `--import` hooks from a worker's execArgv).
 */
function workerEntry(): { entry: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts'))
    return { entry: new URL('./sandbox-worker.js', import.meta.url), eval: false };
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = new URL('./sandbox-worker.ts', import.meta.url).href;
  return {
    entry: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`,
    eval: true,
  };
}

const WORKER = workerEntry();

export function createSandbox(overrides: Partial<SandboxLimits> = {}): Sandbox {
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...overrides };
  const byKey = new Map<string, number>();
  let total = 0;
  const workers = new Set<Worker>();

  return {
    limits,
    admit(key) {
      const mine = byKey.get(key) ?? 0;
      if (total >= limits.concurrency || mine >= limits.perKey) return undefined;
      total++;
      byKey.set(key, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total--;
        const left = (byKey.get(key) ?? 1) - 1;
        if (left === 0) byKey.delete(key);
        else byKey.set(key, left);
      };
    },
    run: (body, appOverrides) => runInWorker(body, appOverrides, limits, workers),
    liveWorkers: () => workers.size,
  };
}

function runInWorker(
  body: unknown,
  overrides: Partial<Config>,
  limits: SandboxLimits,
  workers: Set<Worker>,
): Promise<SandboxOutcome> {
  const startedMs = Date.now();
  const startedAt = new Date(startedMs).toISOString();
  const job: SandboxJob = { body, timeLimitMs: limits.timeLimitMs, overrides };
  const worker = new Worker(WORKER.entry, {
    eval: WORKER.eval,
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
  });
  workers.add(worker);
  worker.once('exit', () => workers.delete(worker));

  let started: { name: string; heads: PartHead[] } | undefined;
  const finished: StepReport[] = [];
  let stepStartedMs = startedMs;

  return new Promise<SandboxOutcome>((resolve, reject) => {
    let settled = false;
    // The answer goes out once the worker is gone, so a finished run holds nothing.
    const settle = (outcome: SandboxOutcome | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.removeAllListeners('message');
      void worker.terminate().finally(() => {
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      });
    };
    const stop = (reason: StopReason, detail: string) => {
      if (started === undefined) return settle({ kind: 'stopped', reason, detail });
      const nowMs = Date.now();
      settle({
        kind: 'report',
        report: stoppedReport(started, finished, reason, detail, {
          startedAt,
          durationMs: nowMs - startedMs,
          stepStartedMs,
          nowMs,
        }),
      });
    };
    const timeUp = () =>
      stop(
        'time_limit',
        started === undefined
          ? `the sandbox did not start within ${limits.startLimitMs / 1000} s`
          : `stopped at the sandbox's ${limits.timeLimitMs / 1000} s time limit (the step did not return within ${limits.graceMs / 1000} s past it); the sandbox was discarded`,
      );
    let timer = setTimeout(timeUp, limits.startLimitMs);

    worker.on('message', (message: SandboxMessage) => {
      switch (message.type) {
        case 'invalid':
          return settle({ kind: 'invalid', issues: message.issues, source: message.source });
        case 'started':
          started = { name: message.name, heads: message.heads };
          stepStartedMs = Date.now();
          clearTimeout(timer);
          timer = setTimeout(timeUp, limits.timeLimitMs + limits.graceMs);
          return;
        case 'step':
          finished.push(message.step);
          stepStartedMs = message.at;
          return;
        case 'done':
          return settle({ kind: 'report', report: message.report });
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY')
        stop(
          'memory_limit',
          `stopped: the run went past the sandbox's memory limit (${limits.heapMb} MiB of heap); the sandbox was discarded`,
        );
      else settle(error);
    });
    worker.on('exit', (code) => {
      settle(new Error(`the sandbox worker exited (code ${code}) without an answer`));
    });
  });
}
