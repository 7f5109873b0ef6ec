import fastifyRateLimit from '@fastify/rate-limit';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The per-address budget of failed authentications, which the auth plugin consults. */
    authFailures: AuthFailureBudget;
  }
}

export interface AuthFailureBudget {
  /** Before a presented key is hashed: the 429 to answer when its address has spent its budget. */
  refusal(request: FastifyRequest, reply: FastifyReply): Promise<AppError | null>;
  /** A key was refused (401): it counts against its address. */
  count(request: FastifyRequest): Promise<void>;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type Verdict = Awaited<ReturnType<Limiter>>;

const WINDOW_MS = 1000;

/**
 * The draft-ietf-httpapi-ratelimit-headers fields in the form @fastify/rate-limit writes with
 * `enableDraftSpec` (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`, seconds), and
 * `Retry-After` once the budget is spent.
 */
function writeHeaders(reply: FastifyReply, verdict: Verdict & { isAllowed: false }): void {
  reply.header('ratelimit-limit', verdict.max);
  reply.header('ratelimit-remaining', verdict.remaining);
  reply.header('ratelimit-reset', verdict.ttlInSeconds);
  if (verdict.isExceeded) reply.header('retry-after', verdict.ttlInSeconds);
}

/**
 * Request budgets, counted by @fastify/rate-limit's in-memory store over one-second windows of
 * the wall clock, per node (a window opens at a key's first request, so a key may send its whole
 * budget in a burst):
 *
 * - per API key, on every route that needs a key: the key's `rateLimitPerSecond`, or none (the
 *   admin key unless configured). The hook runs after authentication (auth.ts puts its own hook
 *   first on every route), and an unthrottled principal pays one property read;
 * - per client address, for failed authentications: past the budget, a presented key is refused
 *   with 429 before it is even hashed (auth.ts asks `authFailures` on its slow path only, so a
 *   remembered key pays nothing).
 */
async function rateLimit(app: FastifyInstance, opts: { authFailuresPerSecond: number }) {
  await app.register(fastifyRateLimit, { global: false });

  const perKey = app.createRateLimit({
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => request.principal.id,
    max: (request) => request.principal.rateLimitPerSecond ?? Number.MAX_SAFE_INTEGER,
  });
  const perAddress = app.createRateLimit({ timeWindow: WINDOW_MS, max: opts.authFailuresPerSecond });

  const exceeded = (reply: FastifyReply, verdict: Verdict, what: string): AppError | null => {
    if (verdict.isAllowed) return null;
    writeHeaders(reply, verdict);
    return verdict.isExceeded
      ? new AppError('rate_limited', `${what} (${verdict.max} a second); retry in ${verdict.ttlInSeconds} s`)
      : null;
  };

  app.decorate('authFailures', {
    async refusal(request, reply) {
      const verdict = await perAddress(request, { increment: false });
      // `read` reports the count so far: this attempt would be one more.
      if (verdict.isAllowed || verdict.remaining > 0) return null;
      return exceeded(
        reply,
        { ...verdict, isExceeded: true },
        'too many failed authentications from this address',
      );
    },
    async count(request) {
      await perAddress(request);
    },
  } satisfies AuthFailureBudget);

  // Callback style: an async hook costs a promise and a microtask on every request, budget or not.
  const budget: onRequestHookHandler = (request, reply, done) => {
    if (request.principal?.rateLimitPerSecond === undefined) {
      done();
      return;
    }
    perKey(request).then(
      (verdict) => done(exceeded(reply, verdict, 'this API key has spent its request budget') ?? undefined),
      done,
    );
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.config?.access === 'public') return;
    const own = route.onRequest;
    route.onRequest = own === undefined ? [budget] : [...(Array.isArray(own) ? own : [own]), budget];
  });
}

export default fp(rateLimit, { name: 'rate-limit', fastify: '5.x', dependencies: ['problem-details'] });
