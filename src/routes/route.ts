import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fastSerializerCompiler } from '../http/fast-serializer.js';
import { quietChildLoggerFactory } from '../http/quiet-logger.js';
import { AnyNumber, DialString, Instant, Province, problems } from '../http/schemas.js';
import type { Services } from '../services/container.js';

export const RouteInput = z.object({
  from: AnyNumber,
  to: DialString,
  service: z.enum(['voice', 'sms']).default('voice'),
  at: Instant.optional(),
  location: z
    .object({ province: Province.optional(), cellId: z.string().max(64).optional() })
    .optional()
    .meta({ description: "Where the caller is; a province other than the caller's home marks roaming" }),
});

const Target = z.object({
  msisdn: z.string(),
  memberId: z.string().optional(),
  groupId: z.string().optional(),
});

export const RouteAnswer = z
  .object({
    decision: z.enum(['connect', 'ivr', 'reject', 'emergency']),
    callType: z.enum([
      'emergency',
      'vpn_short',
      'vpn_onnet',
      'switchboard_inbound',
      'switchboard_outbound',
      'conference_dialin',
      'offnet',
    ]),
    from: z.string(),
    to: z.string(),
    target: Target.nullable(),
    presentedCallerId: z.string(),
    ringback: z
      .object({ policyId: z.string(), toneIds: z.array(z.string()), playback: z.enum(['single', 'loop']) })
      .nullable(),
    tariff: z.object({
      class: z.string(),
      rateFenPerMinute: z.number().int(),
      rateFenPerMessage: z.number().int().optional(),
    }),
    reason: z.string().meta({ description: 'Stable code: a reject reason or the rule that decided' }),
    explanation: z.string(),
    roaming: z.boolean(),
    switchboardId: z.string().optional(),
    subgroupId: z.string().optional(),
    recipients: z.array(z.object({ msisdn: z.string(), memberId: z.string() })).optional(),
  })
  .meta({ id: 'RouteDecision' });

/**
 * The route's options: exported so that the HTTP benchmark can serve the same schema through
 * the same pipeline with a fixed answer, and the same handler without the plugins, to show
 * where the time goes (bench/route-http.ts).
 */
export const ROUTE_OPTIONS = {
  serializerCompiler: fastSerializerCompiler,
  // The hot path logs no 'incoming request' / 'request completed' pair, only warnings and
  // errors (a 5xx), at the server's level; every other route logs as the server says.
  childLoggerFactory: quietChildLoggerFactory,
  // Writes nothing: it opens no write batch (src/http/write-batch.ts).
  config: { readOnly: true },
  schema: {
    tags: ['routing'],
    operationId: 'route',
    summary: 'Decide how a call or SMS is routed (pure: writes nothing, answers from memory)',
    body: RouteInput,
    response: { 200: RouteAnswer, ...problems(403, 422) },
  },
} as const;

type RouteRequestOf = FastifyRequest<{ Body: z.output<typeof RouteInput> }>;

/**
 * Synchronous: an async handler costs a promise and a microtask per request. A throw (403,
 * 422) still reaches the error handler.
 */
export function routeHandler({ routing, clock }: Pick<Services, 'routing' | 'clock'>) {
  return (request: RouteRequestOf, reply: FastifyReply): void => {
    const body = request.body;
    // Built field by field rather than by rest and spread: one object, no copies.
    const decision = routing.decide({
      from: body.from,
      to: body.to,
      service: body.service,
      atMs: body.at ?? clock.now(),
      location: body.location,
    });
    // The engine's answer is deeply readonly; the response schema shapes it on the way out.
    reply.send(routing.answerFor(request.principal, decision) as never);
  };
}

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post('/route', ROUTE_OPTIONS, routeHandler(app.services));
};

export default routes;
