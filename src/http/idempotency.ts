import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { IdempotencyRow } from '../store/idempotency-repo.js';
import type { Repositories } from '../store/repositories.js';
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
 * Of concurrent requests with the same key, one only runs: each looks the key up, then
 * reserves it with a row whose primary key the database keeps unique; a request that loses
 * that race answers from the winner's row (409 while it runs, its stored answer once done).
 *
 * Any POST honours the header, the routing hot path too, so both hooks run on every request:
 * they are callback-style (an async hook costs a promise and a microtask each time) and look
 * at the header before anything else, so a request without one pays two function calls.
 */
async function idempotency(app: FastifyInstance, opts: { repo: Repositories['idempotency']; clock: Clock }) {
  const { repo, clock } = opts;
  let lastPurge = 0;
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined || request.method !== 'POST' || request.is404) {
      done();
      return;
    }
    reserveOrReplay(request, reply, header).then(
      (reserved) => {
        // Not reserved: the stored answer was sent, and the handler must not run.
        if (reserved) done();
      },
      (error: Error) => done(error),
    );
  });

  /**
   * Reserves the key for this request (true: go on to the handler), or answers the stored
   * response of the first request with it, or a 400 for a malformed key (false: the reply is
   * sent). Throws the 409 problems.
   */
  async function reserveOrReplay(
    request: FastifyRequest,
    reply: FastifyReply,
    header: string | string[],
  ): Promise<boolean> {
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
    const cutoff = now - RETENTION_MS;
    if (now - lastPurge > PURGE_EVERY_MS) {
      await repo.purgeBefore(cutoff);
      lastPurge = now;
    }
    const principal = request.principal?.id ?? 'public';
    const path = request.url;
    const bodyHash = createHash('sha256')
      .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const existing = await repo.find(principal, key);
    if (existing && existing.createdAt >= cutoff) return replay(existing, bodyHash, reply);
    // Expired: free it, unless another request has taken it afresh meanwhile.
    if (existing) await repo.releaseExpired(principal, key, cutoff);
    if (await repo.reserve({ principal, key, method: request.method, path, bodyHash, createdAt: now })) {
      request.idempotency = { principal, key };
      return true;
    }
    // Another request with this key reserved it after our look: answer from its row.
    const holder = await repo.find(principal, key);
    if (holder) return replay(holder, bodyHash, reply);
    throw new AppError('idempotency_in_progress', 'the first request with this key has not finished');
  }

  /** Answers from the row of the first request with the key (false: the reply is sent). */
  function replay(first: IdempotencyRow, bodyHash: string, reply: FastifyReply): false {
    if (first.bodyHash !== bodyHash) {
      throw new AppError('idempotency_key_reused', 'this Idempotency-Key was used with another request');
    }
    if (first.statusCode === null) {
      throw new AppError('idempotency_in_progress', 'the first request with this key has not finished');
    }
    reply.header('idempotent-replayed', 'true');
    reply
      .code(first.statusCode)
      .type(first.contentType ?? 'application/json')
      .serializer((payload: unknown) => payload as string)
      .send(first.responseBody);
    return false;
  }

  /** Stores the answer for retries, or frees the key after a 5xx (the retry runs again). */
  async function settle(held: { principal: string; key: string }, reply: FastifyReply, payload: unknown) {
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await repo.release(held.principal, held.key);
    } else {
      const contentType = String(reply.getHeader('content-type') ?? 'application/json');
      await repo.complete(held.principal, held.key, reply.statusCode, payload, contentType);
    }
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
      settle(held, reply, payload).then(
        () => done(null, payload),
        (error: Error) => done(error),
      );
    },
  );
}

export default fp(idempotency, { name: 'idempotency', fastify: '5.x', dependencies: ['auth'] });
