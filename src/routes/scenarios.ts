import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { problems } from '../http/schemas.js';
import { checkRequestBounds, type ScenarioIssue, ScenarioParseError } from '../sim/scenario/parse.js';
import { createSandbox, type SandboxLimits } from '../sim/scenario/sandbox.js';
import { ScenarioSchema } from '../sim/scenario/schema.js';

/**
 * `POST /v1/scenarios/run`: runs one posted scenario in a sandbox of its own (a worker thread
 * with a fresh app on an in-memory database and a simulated clock, gone afterwards) and answers
 * the report, 200 whether it passed or failed. The service's own data is never touched. Limits
 * (src/sim/scenario/sandbox.ts): the format's 500 steps; 30 s of run time (the steps left are
 * reported as skipped; a step still going 2 s later is stopped with its worker); 256 MiB of
 * worker heap; one run per API key and two in all (429 with Retry-After beyond).
 */

/** What a busy caller is told to wait: runs mostly take a second or two. */
const RETRY_AFTER_SECONDS = 2;

const Mismatch = z.object({
  path: z.string(),
  message: z.string(),
  expected: z.unknown().optional(),
  actual: z.unknown().optional(),
});

const StepReport = z
  .object({
    index: z.number().int().meta({ description: '0: the setup; steps from 1' }),
    kind: z.string(),
    label: z.string(),
    outcome: z.enum(['passed', 'failed', 'skipped']),
    durationMs: z.number(),
    status: z.number().int().optional(),
    mismatches: z.array(Mismatch).optional(),
    error: z.string().optional(),
    eventLog: z
      .object({
        callId: z.string(),
        alias: z.string().optional(),
        events: z.array(z.looseObject({ at: z.string(), type: z.string() })),
        names: z.record(z.string(), z.string()).optional(),
      })
      .optional()
      .meta({ description: "A failed step on a call: the call's event log" }),
    requests: z
      .array(z.object({ method: z.string(), path: z.string(), status: z.number().int() }))
      .optional()
      .meta({ description: 'A failed step: its requests, the last 20' }),
    requestsOmitted: z.number().int().optional().meta({ description: 'Earlier requests left out' }),
    mismatchesOmitted: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Mismatches beyond the first 20, left out' }),
  })
  .meta({ id: 'ScenarioStepReport' });

const ScenarioReport = z
  .object({
    name: z.string(),
    file: z.string().optional(),
    target: z.string(),
    passed: z.boolean(),
    startedAt: z.string(),
    durationMs: z.number(),
    notes: z.array(z.string()),
    error: z.string().optional(),
    stopped: z.enum(['time_limit', 'memory_limit']).optional().meta({
      description:
        'The run was stopped at its time limit or past its memory limit; steps not run are skipped',
    }),
    steps: z.array(StepReport),
  })
  .meta({ id: 'ScenarioReport' });

const RunBody = z
  .union([
    z.strictObject({ yaml: z.string().meta({ description: 'The scenario as YAML text' }) }),
    ScenarioSchema,
  ])
  .meta({
    description: 'A scenario as JSON, or `{yaml}` with its YAML text (scenarios/scenario.schema.json)',
  });

const routes: FastifyPluginAsyncZod<{ sandbox?: Partial<SandboxLimits> }> = async (app, opts) => {
  const sandbox = createSandbox(opts.sandbox);
  const { timeLimitMs, heapMb, concurrency, perKey } = sandbox.limits;
  const overrides = {
    conferenceAccessNumber: app.config.conferenceAccessNumber,
    conferenceMaxParticipants: app.config.conferenceMaxParticipants,
  };

  app.post(
    '/scenarios/run',
    {
      // Its sandbox is an app of its own: this service's store is untouched (no write batch, no
      // audit entry).
      config: { readOnly: true },
      schema: {
        tags: ['scenarios'],
        operationId: 'runScenario',
        summary:
          'Run a scenario in an isolated sandbox (its own in-memory app) and get the report; 200 whether it passed or not',
        description: `At most 500 steps, ${timeLimitMs / 1000} s of run time (a run still going then is stopped: \`stopped\` in the report) and ${heapMb} MiB of heap; ${perKey} run(s) at a time per API key and ${concurrency} in all (429 with Retry-After beyond). \`$regex\` patterns are RE2 syntax (no backreferences, no lookaround); one RE2 cannot run makes the scenario invalid (400). The service's own data is never touched.`,
        body: RunBody,
        response: { 200: ScenarioReport, ...problems(429, 503) },
      },
      // The sandbox keeps its own limits (start, run, grace) and reports how far the run got:
      // the service-wide request deadline must not cut it short.
      handlerTimeout: sandbox.limits.startLimitMs + timeLimitMs + sandbox.limits.graceMs + 5000,
      // The body is validated by the scenario parser, which names the path of each problem in
      // the scenario (and its line in YAML) instead of the union's "invalid input".
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (request, reply) => {
      try {
        checkRequestBounds(request.body);
      } catch (error) {
        throw invalid(error);
      }
      const release = sandbox.admit(request.principal.id);
      if (release === undefined) {
        reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        throw new AppError(
          'scenario_runs_busy',
          `a key runs ${perKey} scenario(s) at a time and the sandbox ${concurrency}; retry in ${RETRY_AFTER_SECONDS} s`,
        );
      }
      try {
        const outcome = await sandbox.run(request.body, overrides);
        if (outcome.kind === 'report') return outcome.report;
        if (outcome.kind === 'invalid')
          throw invalid(new ScenarioParseError(outcome.issues, undefined, outcome.source));
        // Stopped before it ran: reading it took all the memory (the caller's input), or the
        // worker did not start in time (the service's load).
        if (outcome.reason === 'time_limit') {
          reply.header('retry-after', String(RETRY_AFTER_SECONDS));
          throw new AppError('service_unavailable', outcome.detail);
        }
        throw AppError.listing('validation_failed', 'invalid scenario', [
          { path: '', message: outcome.detail },
        ]);
      } finally {
        release();
      }
    },
  );
};

/** A ScenarioParseError as a 400 naming each problem's path (`body.yaml` and the line in YAML). */
function invalid(error: unknown): unknown {
  if (!(error instanceof ScenarioParseError)) return error;
  const prefix = error.source === 'text' ? ['yaml'] : [];
  const errors = error.issues.map((issue: ScenarioIssue) => ({
    path: [...prefix, ...issue.path].join('.'),
    message:
      issue.line === undefined
        ? issue.message
        : `line ${issue.line}, column ${issue.column}: ${issue.message}`,
  }));
  return AppError.listing('validation_failed', 'invalid scenario', errors);
}

export default routes;
