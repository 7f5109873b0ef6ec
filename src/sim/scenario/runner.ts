import { performance } from 'node:perf_hooks';
import { AliasTable } from './aliases.js';
import { createContext, describeResponse, type RunContext, TimeLimitError } from './context.js';
import { match } from './match.js';
import { NumberPlan } from './numbers.js';
import { aliasKindOf } from './references.js';
import type { ScenarioReport, StepReport } from './report.js';
import { type Scenario, type StepSpec, stepKind } from './schema.js';
import { runSetup } from './setup.js';
import { executeStep, stepLabel } from './steps.js';
import { DEFAULT_START, type ScenarioClock, scenarioClock, WEEK_MS, weeksToCatchUp } from './time.js';
import type { Target, Transport } from './transport.js';

/**
 * Runs one scenario against a target: opens a transport, lines the clock up, creates the setup,
 * then runs the steps in order and matches each answer against its expectation. The first
 * failing step ends the run; the steps after it are reported as skipped.
 */

export type ProgressEvent =
  | { type: 'scenario'; name: string; file?: string }
  | { type: 'step'; step: StepReport }
  | { type: 'done'; report: ScenarioReport };

export interface RunOptions {
  target: Target;
  file?: string;
  /** The longest the whole scenario may run; unlimited when absent. */
  timeLimitMs?: number;
  /** Rewrite declared numbers per run; default: against a URL only. */
  renumber?: boolean;
  /** The four-digit renumbering block (tests); default random. */
  numberBlock?: string;
  onProgress?: (event: ProgressEvent) => void;
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioReport> {
  const started = performance.now();
  const report: ScenarioReport = {
    name: scenario.name,
    ...(options.file === undefined ? {} : { file: options.file }),
    target: options.target.description,
    passed: false,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    notes: [],
    steps: [],
  };
  options.onProgress?.({
    type: 'scenario',
    name: scenario.name,
    ...(options.file === undefined ? {} : { file: options.file }),
  });
  const deadline =
    options.timeLimitMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeLimitMs;
  const written = scenario.clock?.start;
  let transport: Transport | undefined;
  try {
    transport = await options.target.open(Date.parse(written ?? DEFAULT_START));
    const clock = await lineUpClock(transport, scenario, report);
    const renumber = options.renumber ?? options.target.kind === 'url';
    const numbers = new NumberPlan(renumber ? (options.numberBlock ?? NumberPlan.randomBlock()) : null);
    if (numbers.block !== null)
      report.notes.push(
        `declared numbers renumbered with block ${numbers.block} (digits 5–8 from the end) so that this run's data is its own`,
      );
    const aliases = new AliasTable(clock, numbers);
    let failed = false;
    if (scenario.setup !== undefined) {
      const log: StepReport['requests'] = [];
      const ctx = createContext(transport, aliases, clock, deadline, log);
      failed = !(await runPart(report, options, SETUP_HEAD, log, async () => {
        await runSetup(ctx, scenario.setup!);
        return {};
      }));
    }
    for (const [i, step] of scenario.steps.entries()) {
      const head = stepHead(step, i + 1);
      if (failed) {
        pushStep(report, options, { ...head, outcome: 'skipped', durationMs: 0 });
        continue;
      }
      const log: StepReport['requests'] = [];
      const ctx = createContext(transport, aliases, clock, deadline, log);
      failed = !(await runPart(report, options, head, log, () => runStep(ctx, step)));
    }
    report.passed = !failed;
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
    report.passed = false;
  } finally {
    await transport?.close().catch(() => {});
    report.durationMs = performance.now() - started;
    options.onProgress?.({ type: 'done', report });
  }
  return report;
}

export type PartHead = Pick<StepReport, 'index' | 'kind' | 'label'>;

const SETUP_HEAD: PartHead = { index: 0, kind: 'setup', label: 'setup' };

function stepHead(step: StepSpec, index: number): PartHead {
  const kind = stepKind(step);
  return { index, kind, label: stepLabel(step, kind) };
}

/** What the report will list, in order: the setup (when there is one) and each step. */
export function partHeads(scenario: Scenario): PartHead[] {
  return [
    ...(scenario.setup === undefined ? [] : [SETUP_HEAD]),
    ...scenario.steps.map((step, i) => stepHead(step, i + 1)),
  ];
}
type StepDetails = Omit<StepReport, 'index' | 'kind' | 'label' | 'outcome' | 'durationMs'>;

/** Runs the setup or a step, timing it; reports and returns whether it passed. */
async function runPart(
  report: ScenarioReport,
  options: RunOptions,
  head: PartHead,
  log: NonNullable<StepReport['requests']>,
  body: () => Promise<StepDetails>,
): Promise<boolean> {
  const started = performance.now();
  let step: StepReport;
  try {
    const details = await body();
    const failed = details.error !== undefined || (details.mismatches?.length ?? 0) > 0;
    step = { ...head, outcome: failed ? 'failed' : 'passed', durationMs: 0, ...details };
  } catch (error) {
    if (error instanceof TimeLimitError) report.stopped = 'time_limit';
    step = {
      ...head,
      outcome: 'failed',
      durationMs: 0,
      error: error instanceof Error ? error.message : String(error),
    };
  }
  step.durationMs = performance.now() - started;
  if (step.outcome === 'failed' && log.length > 0) step.requests = log;
  pushStep(report, options, step);
  return step.outcome === 'passed';
}

function pushStep(report: ScenarioReport, options: RunOptions, step: StepReport): void {
  report.steps.push(step);
  options.onProgress?.({ type: 'step', step });
}

/** One step: the request, the status, the expectation, and on failure the call's event log. */
async function runStep(ctx: RunContext, step: StepSpec): Promise<StepDetails> {
  const { aliases } = ctx;
  const kind = stepKind(step);
  const outcome = await executeStep(ctx, step, kind);
  const { status } = outcome.response;
  const statusOk = step.status === undefined ? outcome.success.includes(status) : status === step.status;
  const details: StepDetails = { status };
  if (!statusOk) {
    const wanted = step.status ?? outcome.success.join(' or ');
    details.mismatches = [
      {
        path: 'status',
        expected: wanted,
        actual: status,
        message: annotate(aliases, `expected ${wanted}, got ${describeResponse(outcome.response)}`),
      },
    ];
  } else {
    if (step.as !== undefined && outcome.actual !== null && typeof outcome.actual === 'object') {
      aliases.set(step.as, aliasKindOf(kind), outcome.actual as Record<string, unknown>);
    }
    if (step.expect !== undefined) {
      const mismatches = match(aliases.deep(step.expect), outcome.actual);
      if (mismatches.length > 0)
        details.mismatches = mismatches.map((m) => ({ ...m, message: annotate(aliases, m.message) }));
    }
  }
  if (details.mismatches !== undefined) {
    const log = await eventLog(ctx, outcome.callId, outcome.actual);
    if (log !== undefined) details.eventLog = log;
  }
  return details;
}

/** The call's event log as it stands now, for a failed step on a call. */
async function eventLog(
  ctx: RunContext,
  callId: string | undefined,
  actual: unknown,
): Promise<StepReport['eventLog']> {
  let events = (actual as { events?: unknown } | undefined)?.events;
  let id = callId ?? (actual as { id?: string } | undefined)?.id;
  if (callId !== undefined) {
    const res = await ctx.api('GET', `/v1/calls/${encodeURIComponent(callId)}`).catch(() => undefined);
    if (res?.status === 200) {
      events = (res.body as { events?: unknown }).events;
      id = callId;
    }
  }
  if (!Array.isArray(events) || id === undefined) return undefined;
  const alias = ctx.aliases.aliasOf(id);
  const names: Record<string, string> = {};
  for (const [token] of JSON.stringify(events).matchAll(ID_TOKEN)) {
    const name = ctx.aliases.aliasOf(token);
    if (name !== undefined) names[token] = name;
  }
  return {
    callId: id,
    ...(alias === undefined ? {} : { alias }),
    events: events as NonNullable<StepReport['eventLog']>['events'],
    names,
  };
}

/** Generated ids look like `mem_01m87p0w51q7a56dj7kgg2g6mz`. */
const ID_TOKEN = /\b[a-z]+_[0-9A-Za-z]{6,}\b/g;

/** Ids in a message get their alias beside them: `mem_01J… (zhang)`. */
function annotate(aliases: AliasTable, message: string): string {
  return message.replace(ID_TOKEN, (id) => {
    const alias = aliases.aliasOf(id);
    return alias === undefined ? id : `${id} (${alias})`;
  });
}

/**
 * Lines the target's clock up with the scenario. A simulated clock is moved to the start (or,
 * when it is already past it, the scenario moves whole weeks later); a real clock cannot move,
 * so a scenario with clock steps fails here with the reason.
 */
async function lineUpClock(
  transport: Transport,
  scenario: Scenario,
  report: ScenarioReport,
): Promise<ScenarioClock> {
  const res = await transport.request('GET', '/v1/sim/clock');
  if (res.status !== 200)
    throw new Error(`cannot read the target's clock: GET /v1/sim/clock → ${describeResponse(res)}`);
  const { mode, now } = res.body as { mode: 'real' | 'simulated'; now: string };
  const nowMs = Date.parse(now);
  const written = scenario.clock?.start;
  const clockSteps = scenario.steps.flatMap((step, i) => (step.clock === undefined ? [] : [i + 1]));
  if (mode === 'real') {
    if (clockSteps.length > 0)
      throw new Error(
        `the target's clock is real (CLOCK=real) but this scenario moves the clock (step ${clockSteps.join(', ')}): start the target with CLOCK=simulated`,
      );
    if (written !== undefined)
      report.notes.push(
        "the target's clock is real: steps without `at` happen at the wall time, not at clock.start",
      );
    return scenarioClock(written === undefined ? nowMs : Date.parse(written));
  }
  if (written === undefined) return scenarioClock(nowMs);
  const startMs = Date.parse(written);
  const weeks = weeksToCatchUp(startMs, nowMs);
  const clock = scenarioClock(startMs, weeks * WEEK_MS);
  if (weeks > 0)
    report.notes.push(
      `the target's clock stood at ${now}, past clock.start: every absolute time and setup date of the scenario moved ${weeks} week(s) later (weekdays and times of day kept; the service's national holiday calendar does not move)`,
    );
  if (clock.startMs > nowMs) {
    const moved = await transport.request('POST', '/v1/sim/clock', {
      now: new Date(clock.startMs).toISOString(),
    });
    if (moved.status !== 200)
      throw new Error(`cannot move the target's clock to the start: ${describeResponse(moved)}`);
  }
  return clock;
}
