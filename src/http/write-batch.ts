import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onSendHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { WriteBatch } from '../../db/write-batch.js';
import { AppError } from './error-catalogue.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that writes nothing (the routing decision): it does not open a write batch. */
    readOnly?: boolean;
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Group commit over HTTP (db/write-batch.ts): a request that may write joins the turn's
 * batch before its handler runs, and every response waits, before it is sent, for the batch
 * it may have seen to commit. Reads outside a batch pay one property check.
 */
async function writeBatchPlugin(app: FastifyInstance, opts: { batch: WriteBatch }) {
  const { batch } = opts;

  app.addHook(
    'preHandler',
    (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (WRITES.has(request.method) && request.routeOptions.config.readOnly !== true) batch.join();
      done();
    },
  );

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
