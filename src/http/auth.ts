import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyService, Principal } from '../services/api-keys.js';
import { AppError } from './error-catalogue.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`: no key; `admin`: admin key only (a partner gets 403); default: any valid key. */
    access?: 'public' | 'admin';
    /**
     * Resolves the group customer that owns the addressed resource, for the scope check: a
     * partner key outside that group, or an unknown resource (null), gets a 404. Routes with a
     * `:groupId` parameter are checked without it.
     */
    groupOf?: (request: FastifyRequest) => string | null | undefined;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Routes marked public, the API reference UI (its own plugin's routes) and unknown URLs. */
function isPublic(request: FastifyRequest): boolean {
  return (
    request.routeOptions.config.access === 'public' ||
    request.is404 ||
    (request.routeOptions.url?.startsWith('/docs') ?? false)
  );
}

/**
 * Authentication and scope, once for every route. The key in `Authorization: Bearer` names a
 * principal; a partner's scope is its groups, and every group-scoped route is checked here by
 * construction, before its handler runs: out of scope is indistinguishable from not found.
 */
async function auth(app: FastifyInstance, opts: { apiKeys: Pick<ApiKeyService, 'authenticate'> }) {
  app.decorateRequest('principal', null as never);

  app.addHook('onRequest', async (request) => {
    // Unknown URLs have no config: let the not-found handler answer them.
    if (isPublic(request)) return;
    const match = BEARER.exec(request.headers.authorization ?? '');
    const principal = match?.[1] ? opts.apiKeys.authenticate(match[1]) : null;
    if (!principal) throw new AppError('unauthorized', 'send Authorization: Bearer <api key>');
    // Before body validation: a partner learns nothing about an admin operation's input rules.
    if (request.routeOptions.config.access === 'admin' && principal.kind !== 'admin') {
      throw new AppError('forbidden', 'this operation needs the admin key');
    }
    request.principal = principal;
  });

  // After validation, so the params are parsed and typed.
  app.addHook('preHandler', async (request) => {
    if (isPublic(request)) return;
    const config = request.routeOptions.config;
    const principal = request.principal;
    const params = request.params as Record<string, string | undefined>;
    if (params.groupId !== undefined && !principal.canSee(params.groupId)) {
      throw new AppError('not_found', 'group not found');
    }
    if (config.groupOf) {
      const groupId = config.groupOf(request);
      if (!groupId || !principal.canSee(groupId)) throw new AppError('not_found', 'resource not found');
    }
  });
}

export default fp(auth, { name: 'auth', fastify: '5.x', dependencies: ['problem-details'] });
