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
import type { AuditService } from '../services/audit.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request goes in the audit log once answered. */
    audited: boolean;
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The id the answer names (a created or changed resource), else the last id in the path. */
function resourceOf(request: FastifyRequest, status: number, payload: unknown): string | null {
  if (status < 300 && typeof payload === 'string' && payload.startsWith('{')) {
    try {
      const id = (JSON.parse(payload) as { id?: unknown }).id;
      if (typeof id === 'string') return id;
    } catch {
      // Not JSON after all: fall back to the path.
    }
  }
  const params = Object.values((request.params ?? {}) as Record<string, unknown>);
  const last = params[params.length - 1];
  return typeof last === 'string' ? last : null;
}

/**
 * The audit log: every request to a route that changes state (`POST`, `PUT`, `PATCH`, `DELETE`)
 * is recorded with its key and its status, refused ones included, in the same write batch as
 * the change, so the answer leaves only once its entry is durable. Not recorded: routes that
 * write nothing (`readOnly`: routing decisions, sandbox runs), unknown URLs, and requests a
 * budget refused (429), which would let a flood write as fast as it is refused.
 *
 * Which routes are audited is decided once per route: a marker hook goes first on each (before
 * authentication, so a 401 is recorded too), and the global answer hook reads one flag, so the
 * routing hot path pays a property read.
 */
async function audit(app: FastifyInstance, opts: { audit: Pick<AuditService, 'record'>; batch: WriteBatch }) {
  app.decorateRequest('audited', false);

  const mark = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    request.audited = true;
    done();
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.config?.readOnly === true || !methods.some((m) => WRITES.has(m))) return;
    const own = route.onRequest;
    route.onRequest = own === undefined ? [mark] : [mark, ...(Array.isArray(own) ? own : [own])];
  });

  /** Adds the entry to the turn's write batch (opened if need be). */
  const recordEntry = async (request: FastifyRequest, status: number, payload: unknown) => {
    opts.batch.join();
    await opts.audit.record({
      keyId: request.principal?.id ?? null,
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      status,
      resource: resourceOf(request, status, payload),
    });
  };

  // Registered before the write batch's own hook, which then waits for this entry's commit too:
  // the answer goes on only once the entry is written (into the batch).
  const record: onSendHookHandler = (request, reply, payload, done) => {
    const status = reply.statusCode;
    if (!request.audited || status === 429 || !WRITES.has(request.method)) {
      done(null, payload);
      return;
    }
    recordEntry(request, status, payload).then(
      () => done(null, payload),
      (error: unknown) => {
        // The change itself is kept: say loudly that its trace is missing rather than fail it.
        request.log.error({ err: error }, 'could not record the request in the audit log');
        done(null, payload);
      },
    );
  };
  app.addHook('onSend', record);
}

export default fp(audit, { name: 'audit', fastify: '5.x', dependencies: ['auth'] });
