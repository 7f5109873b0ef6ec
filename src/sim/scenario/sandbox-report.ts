import { type Mismatch, show } from './match.js';
import type { ScenarioReport, StepReport } from './report.js';
import type { PartHead } from './runner.js';

/**
 * The sandbox endpoint's report is bounded, whatever the scenario makes its steps do: a failed
 * step keeps its last requests and first mismatches, and a large expected or actual value is
 * shown as a truncated rendering. When a run is stopped from outside (its worker terminated),
 * the report is completed here from what the worker had said so far.
 */

export const MAX_REQUESTS_PER_STEP = 20;
export const MAX_MISMATCHES_PER_STEP = 20;
/** A mismatch's expected or actual value longer than this (as JSON) is shown truncated. */
export const MAX_VALUE_LENGTH = 2000;

export function boundedStep(step: StepReport): StepReport {
  const bounded = { ...step };
  if (step.requests !== undefined && step.requests.length > MAX_REQUESTS_PER_STEP) {
    bounded.requests = step.requests.slice(-MAX_REQUESTS_PER_STEP);
    bounded.requestsOmitted = step.requests.length - MAX_REQUESTS_PER_STEP;
  }
  if (step.mismatches !== undefined) {
    bounded.mismatches = step.mismatches.slice(0, MAX_MISMATCHES_PER_STEP).map(boundedMismatch);
    if (step.mismatches.length > MAX_MISMATCHES_PER_STEP)
      bounded.mismatchesOmitted = step.mismatches.length - MAX_MISMATCHES_PER_STEP;
  }
  return bounded;
}

function boundedMismatch(mismatch: Mismatch): Mismatch {
  const bounded = { ...mismatch, message: bound(mismatch.message) };
  if ('expected' in mismatch) bounded.expected = boundedValue(mismatch.expected);
  if ('actual' in mismatch) bounded.actual = boundedValue(mismatch.actual);
  return bounded;
}

function boundedValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? bound(value) : value;
  const text = show(value, MAX_VALUE_LENGTH);
  return text.length < MAX_VALUE_LENGTH ? value : text;
}

const bound = (text: string) =>
  text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;

export type StopReason = 'time_limit' | 'memory_limit';

/**
 * The report of a run stopped from outside: the steps the worker finished, the one it was on
 * failed with the reason, the rest skipped.
 */
export function stoppedReport(
  started: { name: string; heads: PartHead[] },
  finished: StepReport[],
  reason: StopReason,
  detail: string,
  timing: { startedAt: string; durationMs: number; stepStartedMs: number; nowMs: number },
): ScenarioReport {
  const done = new Set(finished.map((step) => step.index));
  const steps = [...finished];
  let current = true;
  for (const head of started.heads) {
    if (done.has(head.index)) continue;
    steps.push(
      current
        ? { ...head, outcome: 'failed', durationMs: timing.nowMs - timing.stepStartedMs, error: detail }
        : { ...head, outcome: 'skipped', durationMs: 0 },
    );
    current = false;
  }
  return {
    name: started.name,
    target: 'in-process',
    passed: false,
    startedAt: timing.startedAt,
    durationMs: timing.durationMs,
    notes: [],
    error: detail,
    stopped: reason,
    steps,
  };
}
