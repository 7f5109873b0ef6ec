/**
 * Two extra servers for the HTTP route benchmark, to split the gap between the route and the
 * bare baseline into what the service's pipeline costs and what the decision costs:
 *
 * - `fixed answer`: the real app's pipeline (auth, the idempotency and write-batch hooks, the
 *   request logger, the zod body schema, the response serializer) on a route that answers a
 *   fixed decision instead of deciding;
 * - `no plugins`: the route's own handler and schema (the same `routing` service and directory)
 *   on a Fastify with no plugins and no logger.
 *
 * Route vs fixed answer is what deciding costs between socket reads; no plugins vs baseline is
 * the decision plus zod instead of ajv; fixed answer vs baseline is the pipeline alone.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { RouteDecision } from '../../src/engines/vpn/index.js';
import { ROUTE_OPTIONS, routeHandler } from '../../src/routes/route.js';
import type { Principal } from '../../src/services/api-keys.js';
import type { Services } from '../../src/services/container.js';

export const FIXED_ANSWER_PATH = '/v1/route-fixed-answer';

/**
 * Adds the fixed-answer route to `app` (before it is ready). It answers `answer()` with the
 * request's `from` and `to`: one fresh object per request, as the baseline builds.
 */
export function registerFixedAnswerRoute(app: FastifyInstance, answer: () => RouteDecision): void {
  const options = {
    ...ROUTE_OPTIONS,
    // Kept out of the OpenAPI document: it is not part of the API.
    schema: { ...ROUTE_OPTIONS.schema, operationId: 'benchRouteFixedAnswer', hide: true },
  };
  app.post(FIXED_ANSWER_PATH, options, (request, reply) => {
    const body = request.body as { from: string; to: string };
    reply.send({ ...answer(), from: body.from, to: body.to } as never);
  });
}

/** The route's handler and schema on a Fastify with no plugins and no logger; every request is `principal`'s. */
export async function buildRouteWithoutPlugins(
  services: Pick<Services, 'routing' | 'clock'>,
  principal: Principal,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // A getter rather than a hook: the side runs no hook at all.
  app.decorateRequest('principal', { getter: () => principal });
  app.post('/v1/route', { ...ROUTE_OPTIONS, schema: { ...ROUTE_OPTIONS.schema } }, routeHandler(services));
  return app;
}
