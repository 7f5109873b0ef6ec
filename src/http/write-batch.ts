import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onSendHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { WriteBatch } from '../../db/write-batch.js';
import { AppError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that writes nothing (the routing decision): it does not open a write batch. */
    readOnly?: boolean;
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Group commit over HTTP (db/write-batch.ts): a request to a route that may write joins the
 * turn's batch before its handler runs, and every response waits, before it is sent, for the
 * batch it may have seen to commit. Reads outside a batch pay one property check.
 *
 * Which routes join is decided once, when each route is registered (a route-level preHandler),
 * not per request: the read-only routing hot path runs no hook of this plugin but the check.
 * Route-level hooks run after the global ones, so idempotency's reservation is its own write.
 */
async function writeBatchPlugin(app: FastifyInstance, opts: { batch: WriteBatch }) {
  const { batch } = opts;

  const join = (_request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    batch.join();
    done();
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.config?.readOnly === true || !methods.some((m) => WRITES.has(m))) return;
    const existing = route.preHandler;
    route.preHandler =
      existing === undefined ? [join] : [join, ...(Array.isArray(existing) ? existing : [existing])];
  });

  const awaitCommit: onSendHookHandler = (_request, _reply, payload, done) => {
    if (!batch.pending) {
      done(null, payload);
      return;
    }
    batch.durable().then(
      () => done(null, payload),
      () =>
        done(new AppError('service_unavailable', 'the write could not be committed; nothing of it was kept')),
    );
  };
  app.addHook('onSend', awaitCommit);
}

export default fp(writeBatchPlugin, { name: 'write-batch' });
