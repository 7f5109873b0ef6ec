import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Names of fields its service may report that the route takes from the URL path
     * (`contactId` of `/contacts/:contactId`): their problems answer `params.contactId`.
     */
    paramFields?: readonly string[];
  }
}

/**
 * Where a field a service reports sits in the request. Services (and handlers) name fields
 * relative to their own input (`valueTier`, `participants.2.memberId`, '' for all of it), and
 * the problem answer names the part of the request as well: `body.valueTier`.
 *
 * The part is what the route declares: its schema's body, or its query string when it has no
 * body (no route has both), and the URL path for the names its config lists in `paramFields`;
 * a route that declares neither answers the path as reported.
 * The problem-details handler applies this to every domain error a route raises; the HTTP
 * layer's own checks of other parts (an `Idempotency-Key` header) answer their problem directly.
 */
export function requestPathOf(request: FastifyRequest): (path: string) => string {
  const { schema, config } = request.routeOptions;
  const input = schema?.body !== undefined ? 'body' : schema?.querystring !== undefined ? 'query' : undefined;
  const paramFields = config?.paramFields ?? [];
  return (path) => {
    const first = path.split('.', 1)[0]!;
    const part = paramFields.includes(first) ? 'params' : input;
    if (part === undefined) return path;
    return path === '' ? part : `${part}.${path}`;
  };
}
