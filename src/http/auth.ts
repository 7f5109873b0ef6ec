import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
  HookHandlerDoneFunction,
  onRequestHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../domain/errors.js';
import type { ApiKeyService, Principal } from '../services/api-keys.js';
import type { AuthFailureBudget } from './rate-limit.js';

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
    /**
     * What the scope check of this request's route reads, once its key is authenticated; null
     * or absent where nothing authenticated (public routes, the reference UI, 404s).
     */
    authScope?: ScopeCheck | null;
  }
}

interface ScopeCheck {
  /** The route has a `:groupId` parameter. */
  groupParam: boolean;
  groupOf: ((request: FastifyRequest) => string | null | undefined) | undefined;
}

/** Authenticated on a route without a group scope to check. */
const NO_SCOPE: ScopeCheck = Object.freeze({ groupParam: false, groupOf: undefined });

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Logger options whose `request completed` line names the request's key (`res.keyId`: `admin`
 * or a partner key's id, never its secret). The serializer runs only when a line is written, so
 * the hot path, which writes none, pays nothing.
 */
export function withKeyIdInLogs(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (typeof logger !== 'object' || logger === null) return logger;
  return {
    ...logger,
    serializers: {
      ...logger.serializers,
      res: (reply: { statusCode: number; request?: FastifyRequest }) => ({
        statusCode: reply.statusCode,
        keyId: reply.request?.principal?.id,
      }),
    },
  };
}

/** Routes marked public, the API reference UI (its own plugin's routes) and unknown URLs. */
function isPublic(request: FastifyRequest): boolean {
  const options = request.routeOptions;
  return options.config.access === 'public' || request.is404 || (options.url?.startsWith('/docs') ?? false);
}

/**
 * Authentication and scope, once for every route. The key in `Authorization: Bearer` names a
 * principal; a partner's scope is its groups, and every group-scoped route is checked here by
 * construction, before its handler runs: out of scope is indistinguishable from not found.
 *
 * Each route's needs are read once, when it is declared (`onRoute`), not on every request:
 * `request.routeOptions` builds a fresh object on each read, which the routing hot path
 * should not pay for. Public routes get no authentication hook. Neither do routes declared
 * before this plugin (the API reference UI's) nor unknown URLs: the scope hook, global, refuses
 * any request that reached it unauthenticated on a route that is not public, so a route
 * declared in the wrong place fails closed.
 */
async function auth(
  app: FastifyInstance,
  opts: {
    apiKeys: Pick<ApiKeyService, 'authenticate' | 'recall'>;
    /** Throttles failed authentications per client address (rate-limit.ts); absent: unthrottled. */
    failures?: AuthFailureBudget;
  },
) {
  const { apiKeys, failures } = opts;
  app.decorateRequest('principal', null as never);
  app.decorateRequest('authScope', null);

  app.addHook('onRoute', (route: RouteOptions) => {
    const config = route.config ?? {};
    if (config.access === 'public') return;
    const adminOnly = config.access === 'admin';
    const scope: ScopeCheck =
      route.url.includes(':groupId') || config.groupOf
        ? { groupParam: route.url.includes(':groupId'), groupOf: config.groupOf }
        : NO_SCOPE;

    const admit = (request: FastifyRequest, principal: Principal | null): AppError | undefined => {
      if (!principal) return new AppError('unauthorized', 'send Authorization: Bearer <api key>');
      // Known even when refused: the log line and the audit log name the key.
      request.principal = principal;
      // Before body validation: a partner learns nothing about an admin operation's input rules.
      if (adminOnly && principal.kind !== 'admin')
        return new AppError('forbidden', 'this operation needs the admin key');
      request.authScope = scope;
      return undefined;
    };
    // Callback style: an async hook costs a promise and a microtask on every request. A key
    // remembered from an earlier request is one map read, synchronous; any other is hashed (and
    // may wait for the store), unless its address has failed too often in the last second.
    const authenticate: onRequestHookHandler = (request, reply, done) => {
      const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
      const known = token === undefined ? null : apiKeys.recall(token);
      if (known) {
        done(admit(request, known));
        return;
      }
      const verify = async () =>
        admit(request, token === undefined || known === null ? null : await apiKeys.authenticate(token));
      if (failures === undefined) {
        verify().then(done, done);
        return;
      }
      failures
        .refusal(request, reply)
        .then(async (refused) => {
          if (refused) return refused;
          const error = await verify();
          if (error?.code === 'unauthorized') await failures.count(request);
          return error;
        })
        .then(done, done);
    };
    // Ahead of the route's own hooks, as a global hook would be.
    const own = route.onRequest;
    route.onRequest =
      own === undefined ? [authenticate] : [authenticate, ...(Array.isArray(own) ? own : [own])];
  });

  // After validation, so the params are parsed and typed. A global hook, so that it runs
  // before the idempotency plugin's: a request out of scope reserves no key.
  app.addHook(
    'preHandler',
    (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const scope = request.authScope;
      if (scope === NO_SCOPE) {
        done();
        return;
      }
      // Nothing authenticated (absent on the routes of plugins registered before this one).
      if (scope == null) {
        done(
          isPublic(request)
            ? undefined
            : new AppError('unauthorized', 'send Authorization: Bearer <api key>'),
        );
        return;
      }
      const principal = request.principal;
      if (scope.groupParam) {
        const groupId = (request.params as Record<string, string | undefined>).groupId;
        if (groupId !== undefined && !principal.canSee(groupId)) {
          done(new AppError('not_found', 'group not found'));
          return;
        }
      }
      if (scope.groupOf) {
        const groupId = scope.groupOf(request);
        if (!groupId || !principal.canSee(groupId)) {
          done(new AppError('not_found', 'resource not found'));
          return;
        }
      }
      done();
    },
  );
}

export default fp(auth, { name: 'auth', fastify: '5.x', dependencies: ['problem-details'] });
