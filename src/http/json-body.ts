import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * JSON bodies as Fastify parses them (prototype poisoning refused), except that an empty body
 * is no body on a route that takes none: clients send `Content-Type: application/json` on
 * every request, DELETE included. A route with a body schema still refuses an empty one.
 */
export function acceptEmptyJsonOnBodilessRoutes(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request: FastifyRequest, body: string, done) => {
      if (body.length === 0 && !request.routeOptions.schema?.body) {
        done(null, undefined);
        return;
      }
      // Fastify's own parser answers through `done` (its type says it may return a promise).
      void parseJson(request, body, done);
    },
  );
}
