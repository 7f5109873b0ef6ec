import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../config.js';
import { parseScenarioRequest, type ScenarioIssue, ScenarioParseError } from './parse.js';
import type { ScenarioReport, StepReport } from './report.js';
import { type PartHead, partHeads, runScenario } from './runner.js';
import { boundedStep } from './sandbox-report.js';
import { inProcessTarget } from './transport.js';

/**
 * The sandbox endpoint's worker thread: parses one posted scenario and runs it on an app of its
 * own, telling the main thread as it goes, so that a run stopped from outside (time, memory)
 * still has a report. Whatever the scenario makes it do happens here, never on the service's
 * event loop; the main thread terminates the worker when it is done or past its deadline.
 */

export interface SandboxJob {
  /** The request body: a scenario as JSON or `{yaml}`. */
  body: unknown;
  /** The run's own time limit, from when it starts (the scenario read and the app loaded). */
  timeLimitMs: number;
  /** Settings the sandbox app takes over from the service (conference numbering…). */
  overrides: Partial<Config>;
}

export type SandboxMessage =
  | { type: 'invalid'; issues: ScenarioIssue[]; source: 'text' | 'value' }
  | { type: 'started'; name: string; heads: PartHead[] }
  | { type: 'step'; step: StepReport; at: number }
  | { type: 'done'; report: ScenarioReport };

async function work(port: MessagePort, job: SandboxJob): Promise<void> {
  const post = (message: SandboxMessage) => port.postMessage(message);
  let scenario: ReturnType<typeof parseScenarioRequest>;
  try {
    scenario = parseScenarioRequest(job.body);
  } catch (error) {
    if (!(error instanceof ScenarioParseError)) throw error;
    post({ type: 'invalid', issues: error.issues, source: error.source });
    return;
  }
  // Only now the app's modules: an invalid scenario is answered without loading them.
  const { buildApp } = await import('../../app.js');
  post({ type: 'started', name: scenario.name, heads: partHeads(scenario) });
  const report = await runScenario(scenario, {
    target: inProcessTarget(buildApp, job.overrides),
    timeLimitMs: job.timeLimitMs,
    onProgress: (event) => {
      if (event.type === 'step') post({ type: 'step', step: boundedStep(event.step), at: Date.now() });
    },
  });
  post({ type: 'done', report: { ...report, steps: report.steps.map(boundedStep) } });
}

if (parentPort !== null) await work(parentPort, workerData as SandboxJob);
