import type { Mismatch } from './match.js';

/** What a run tells: per scenario, per step, pass/fail and durations; diffs and event logs on failure. */

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface CallEventView {
  at: string;
  type: string;
  [detail: string]: unknown;
}

export interface StepReport {
  /** 0 is the setup; steps count from 1 as in the file (steps[0] is step 1). */
  index: number;
  kind: string;
  label: string;
  outcome: Outcome;
  durationMs: number;
  /** The HTTP status of the step's main request. */
  status?: number;
  mismatches?: Mismatch[];
  /** A failure that is not a field difference: a refused setup, an unknown field, a timeout. */
  error?: string;
  /** For a failed step on a call: the call's event log as it stands. */
  eventLog?: {
    callId: string;
    alias?: string;
    events: CallEventView[];
    /** Aliases of the ids that the events mention, for reading. */
    names?: Record<string, string>;
  };
  /** On failure: the requests the step made (the sandbox keeps the last few). */
  requests?: { method: string; path: string; status: number }[];
  /** Requests, mismatches left out of a bounded report (the sandbox endpoint's). */
  requestsOmitted?: number;
  mismatchesOmitted?: number;
}

export interface ScenarioReport {
  name: string;
  file?: string;
  target: string;
  passed: boolean;
  startedAt: string;
  durationMs: number;
  /** How the run adapted to the target (renumbered numbers, a clock moved by weeks). */
  notes: string[];
  /** A scenario that could not run at all (invalid file, unreachable target), or was stopped. */
  error?: string;
  /** The run was stopped: at its time limit, or (in the sandbox) past its memory limit. */
  stopped?: 'time_limit' | 'memory_limit';
  steps: StepReport[];
}

export interface RunSummary {
  passed: boolean;
  durationMs: number;
  scenarios: ScenarioReport[];
  counts: { scenarios: number; failed: number; steps: number; failedSteps: number; skippedSteps: number };
}

export function summarise(scenarios: ScenarioReport[], durationMs: number): RunSummary {
  const steps = scenarios.flatMap((s) => s.steps);
  return {
    passed: scenarios.every((s) => s.passed),
    durationMs,
    scenarios,
    counts: {
      scenarios: scenarios.length,
      failed: scenarios.filter((s) => !s.passed).length,
      steps: steps.length,
      failedSteps: steps.filter((s) => s.outcome === 'failed').length,
      skippedSteps: steps.filter((s) => s.outcome === 'skipped').length,
    },
  };
}

const MARK: Record<Outcome, string> = { passed: '✓', failed: '✗', skipped: '-' };

export function formatStepLine(step: StepReport): string {
  const number = step.index === 0 ? '' : `${step.index} `;
  const time = step.outcome === 'skipped' ? '(skipped)' : `(${formatMs(step.durationMs)})`;
  return `${MARK[step.outcome]} ${number}${step.label} ${time}`;
}

/** The diff of a failed step: one line per field, then the call's event log. */
export function formatFailure(step: StepReport, indent = '    '): string[] {
  const lines: string[] = [];
  if (step.error !== undefined) lines.push(...step.error.split('\n').map((line) => `${indent}${line}`));
  for (const m of step.mismatches ?? [])
    lines.push(`${indent}${m.path === '' ? '(answer)' : m.path}: ${m.message}`);
  if (step.eventLog !== undefined) {
    const { callId, alias, events, names = {} } = step.eventLog;
    lines.push(`${indent}event log of ${alias === undefined ? callId : `${alias} (${callId})`}:`);
    for (const event of events) lines.push(`${indent}  ${formatEvent(event, names)}`);
  }
  if (step.requests !== undefined && step.requests.length > 0) {
    lines.push(
      `${indent}requests: ${step.requests.map((r) => `${r.method} ${r.path} → ${r.status}`).join('; ')}`,
    );
  }
  return lines;
}

/** `2026-11-24T02:00:08Z ringing extension=8001 memberId=mem_01…(liu)` */
export function formatEvent(event: CallEventView, names: Record<string, string> = {}): string {
  const { at, type, ...rest } = event;
  const details = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
    .replace(/\b[a-z]+_[0-9A-Za-z]{6,}\b/g, (id) => (names[id] === undefined ? id : `${id}(${names[id]})`));
  return `${at.replace(/\.000Z$/, 'Z')} ${type}${details === '' ? '' : ` ${details}`}`;
}

export function formatScenarioHeader(report: Pick<ScenarioReport, 'name' | 'file'>): string {
  return report.file === undefined ? report.name : `${report.name} — ${report.file}`;
}

export function formatScenarioResult(report: ScenarioReport): string {
  const failed = report.steps.filter((s) => s.outcome === 'failed').length;
  const ran = report.steps.filter((s) => s.outcome !== 'skipped').length;
  const verdict = report.passed ? 'passed' : `FAILED${failed > 0 ? ` at ${failed} step(s)` : ''}`;
  return `${report.passed ? MARK.passed : MARK.failed} ${report.name}: ${verdict}, ${ran}/${report.steps.length} steps run (${formatMs(report.durationMs)})`;
}

/** The whole report of a scenario as text, as the CLI prints it. */
export function formatScenario(report: ScenarioReport): string {
  const lines = [formatScenarioHeader(report)];
  for (const note of report.notes) lines.push(`  note: ${note}`);
  if (report.error !== undefined) lines.push(...report.error.split('\n').map((line) => `  ${line}`));
  for (const step of report.steps) {
    lines.push(`  ${formatStepLine(step)}`);
    if (step.outcome === 'failed') lines.push(...formatFailure(step));
  }
  lines.push(formatScenarioResult(report));
  return lines.join('\n');
}

export function formatSummary(summary: RunSummary): string {
  const { counts } = summary;
  return `${counts.scenarios - counts.failed} passed, ${counts.failed} failed (${counts.scenarios} scenario(s), ${counts.steps} steps, ${formatMs(summary.durationMs)})`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
