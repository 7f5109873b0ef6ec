import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../http/error-catalogue.js';
import { problems } from '../http/schemas.js';
import { parseScenarioRequest, ScenarioParseError } from '../sim/scenario/parse.js';
import { runScenario } from '../sim/scenario/runner.js';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { type BuildApp, inProcessTarget } from '../sim/scenario/transport.js';

/**
 * `POST /v1/scenarios/run`: runs one posted scenario in a sandbox of its own (a fresh app on an
 * in-memory database with a simulated clock, closed afterwards) and answers the report, 200
 * whether it passed or failed. The service's own data is never touched. Limits: the format's
 * 500 steps, 30 s of run time (the steps left are reported as skipped), two runs at a time
 * (a third is a 429).
 */

export const SANDBOX_TIME_LIMIT_MS = 30_000;
export const SANDBOX_CONCURRENCY = 2;

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
      .optional(),
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

const routes: FastifyPluginAsyncZod<{ buildApp: BuildApp }> = async (app, opts) => {
  const target = inProcessTarget(opts.buildApp, {
    conferenceAccessNumber: app.config.conferenceAccessNumber,
    conferenceMaxParticipants: app.config.conferenceMaxParticipants,
  });
  let running = 0;

  app.post(
    '/scenarios/run',
    {
      schema: {
        tags: ['scenarios'],
        operationId: 'runScenario',
        summary:
          'Run a scenario in an isolated sandbox (its own in-memory app) and get the report; 200 whether it passed or not',
        description: `At most 500 steps and ${SANDBOX_TIME_LIMIT_MS / 1000} s of run time; ${SANDBOX_CONCURRENCY} runs at a time (429 beyond). The service's own data is never touched.`,
        body: RunBody,
        response: { 200: ScenarioReport, ...problems(429) },
      },
      // The sandbox keeps its own time limit and reports how far the run got.
      handlerTimeout: SANDBOX_TIME_LIMIT_MS + 5000,
      // The body is validated by the scenario parser, which names the path of each problem in
      // the scenario (and its line in YAML) instead of the union's "invalid input".
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (request) => {
      const scenario = parse(request.body);
      if (running >= SANDBOX_CONCURRENCY)
        throw new AppError(
          'scenario_runs_busy',
          `${SANDBOX_CONCURRENCY} scenarios are running; retry shortly`,
        );
      running++;
      try {
        return await runScenario(scenario, { target, timeLimitMs: SANDBOX_TIME_LIMIT_MS });
      } finally {
        running--;
      }
    },
  );
};

function parse(body: unknown) {
  try {
    return parseScenarioRequest(body);
  } catch (error) {
    if (!(error instanceof ScenarioParseError)) throw error;
    const prefix = error.source === 'text' ? 'body.yaml' : 'body';
    const errors = error.issues.map((issue) => ({
      path: [prefix, ...issue.path].join('.'),
      message:
        issue.line === undefined
          ? issue.message
          : `line ${issue.line}, column ${issue.column}: ${issue.message}`,
    }));
    throw new AppError(
      'validation_failed',
      `invalid scenario: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    );
  }
}

export default routes;
