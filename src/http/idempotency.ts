import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { IdempotencyRepo } from '../store/idempotency-repo.js';
import { sendProblem } from './problem-details.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { principal: string; key: string } | null;
  }
}

const RETENTION_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 10 * 60 * 1000;
const MAX_KEY_LENGTH = 255;

/**
 * `Idempotency-Key` on POST: the first response is stored (per API key) and a retry with the
 * same key and body gets it again, creating nothing; the same key with another body is a 409.
 * Keys are kept 24 hours by the service clock. A 5xx is not stored, so the retry runs again.
 *
 * Any POST honours the header, the routing hot path too, so both hooks run on every request:
 * they are callback-style (an async hook costs a promise and a microtask each time) and look
 * at the header before anything else, so a request without one pays two function calls.
 */
async function idempotency(app: FastifyInstance, opts: { repo: IdempotencyRepo; clock: Clock }) {
  const { repo, clock } = opts;
  let lastPurge = 0;
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined || request.method !== 'POST' || request.is404) {
      done();
      return;
    }
    try {
      if (reserveOrReplay(request, reply, header)) done();
    } catch (error) {
      done(error as Error);
    }
  });

  /**
   * Reserves the key for this request (true: go on to the handler), or answers the stored
   * response of the first request with it, or a 400 for a malformed key (false: the reply is
   * sent). Throws the 409 problems.
   */
  function reserveOrReplay(request: FastifyRequest, reply: FastifyReply, header: string | string[]): boolean {
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > MAX_KEY_LENGTH) {
      // Answered here, not thrown: the error handler reads a domain error's paths as the
      // route's body, and this one is a header.
      sendProblem(reply, 'validation_failed', 'Idempotency-Key must be 1–255 characters', [
        { path: 'headers.idempotency-key', message: 'must be 1–255 characters' },
      ]);
      return false;
    }
    const now = clock.now();
    if (now - lastPurge > PURGE_EVERY_MS) {
      repo.purgeBefore(now - RETENTION_MS);
      lastPurge = now;
    }
    const principal = request.principal?.id ?? 'public';
    const path = request.url;
    const bodyHash = createHash('sha256')
      .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const existing = repo.find(principal, key);
    if (existing && existing.createdAt >= now - RETENTION_MS) {
      if (existing.bodyHash !== bodyHash) {
        throw new AppError('idempotency_key_reused', 'this Idempotency-Key was used with another request');
      }
      if (existing.statusCode === null) {
        throw new AppError('idempotency_in_progress', 'the first request with this key has not finished');
      }
      reply.header('idempotent-replayed', 'true');
      reply
        .code(existing.statusCode)
        .type(existing.contentType ?? 'application/json')
        .serializer((payload: unknown) => payload as string)
        .send(existing.responseBody);
      return false;
    }
    if (existing) repo.release(principal, key);
    if (!repo.reserve({ principal, key, method: request.method, path, bodyHash, createdAt: now })) {
      throw new AppError('idempotency_in_progress', 'the first request with this key has not finished');
    }
    request.idempotency = { principal, key };
    return true;
  }

  app.addHook(
    'onSend',
    (
      request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (err: Error | null, value?: unknown) => void,
    ) => {
      const held = request.idempotency;
      if (!held) {
        done(null, payload);
        return;
      }
      try {
        if (reply.statusCode >= 500 || typeof payload !== 'string') {
          repo.release(held.principal, held.key);
        } else {
          const contentType = String(reply.getHeader('content-type') ?? 'application/json');
          repo.complete(held.principal, held.key, reply.statusCode, payload, contentType);
        }
      } catch (error) {
        done(error as Error);
        return;
      }
      done(null, payload);
    },
  );
}

export default fp(idempotency, { name: 'idempotency', fastify: '5.x', dependencies: ['auth'] });
