import { type Server, STATUS_CODES } from 'node:http';
import net, { type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ERRORS, type ErrorCode } from '../domain/errors.js';
import { problemBody, sendProblem } from './problem-details.js';

/**
 * Problem+json for what goes wrong before any route runs. Three paths bypass the error handler:
 * the router's own refusals (`frameworkErrors`: a malformed URL, an over-long path parameter),
 * the HTTP parser and the server's timers (`clientError`: bad framing, oversized headers,
 * timeouts), and requests arriving while the server closes (Fastify's built-in 503 there is
 * plain JSON, so it is turned off and answered here).
 */

/** Fastify's `frameworkErrors` option: the router's errors, mapped like any other. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL') {
    sendProblem(reply, 'malformed_url', 'the URL is not validly percent-encoded');
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendProblem(reply, 'uri_too_long', 'a path segment is longer than any identifier');
  } else {
    reply.log.error({ err: error }, 'routing failed');
    sendProblem(reply, 'internal_error', 'the server failed to answer; the error is logged');
  }
}

/** Node's client errors (see `clientError` on http.Server) by their codes. */
function clientProblem(error: NodeJS.ErrnoException): { code: ErrorCode; detail: string } {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return { code: 'request_timeout', detail: 'the request was not received in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'headers_too_large', detail: 'the request line and headers exceed 16 KiB' };
    default:
      return { code: 'malformed_request', detail: 'the request is not valid HTTP/1.1' };
  }
}

/**
 * Fastify's `clientErrorHandler` option. No request or reply exists yet, so the answer is
 * written to the socket as raw HTTP, then the connection is ended: whatever follows on it
 * cannot be framed.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: NodeJS.ErrnoException,
  socket: Socket,
): void {
  // A reset peer has nobody to answer; a response already under way cannot be replaced.
  const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  const { code, detail } = clientProblem(error);
  this.log.debug({ err: error }, 'client error');
  const body = JSON.stringify(problemBody(code, detail));
  const { status } = ERRORS[code];
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** How long open connections may keep sending once the server stops accepting new ones. */
const LINGER_MS = 500;

/**
 * Stops accepting connections but leaves the open ones alone for a moment. Node's
 * `http.Server.close()` destroys every connection idle at that instant, and under load a
 * keep-alive connection is "idle" while the caller's next request is still in the socket's
 * buffer: that request would be reset. Given a moment instead, it is read and answered (503,
 * `Connection: close`); connections still open after the linger are closed by Fastify's close.
 */
async function stopAccepting(server: Server): Promise<void> {
  // net.Server's own close: the listener only, without http.Server's idle-connection sweep.
  net.Server.prototype.close.call(server);
  const lingerEnds = Date.now() + LINGER_MS;
  while (Date.now() < lingerEnds) {
    const open = await new Promise<number>((resolve) => server.getConnections((_, count) => resolve(count)));
    if (open === 0) return;
    await sleep(10);
  }
}

/**
 * Requests that arrive while the server closes: 503 problem+json with `Connection: close`
 * (Fastify adds that header while closing), so that callers retry elsewhere. Requests already
 * being handled run to the end, and their answers close their connections.
 */
async function shutdownAnswers(app: FastifyInstance, opts: { retryAfterSeconds: number }): Promise<void> {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    if (app.server.listening) await stopAccepting(app.server);
  });
  // Callback style: this hook runs on every request of the hot path.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    reply.header('retry-after', String(opts.retryAfterSeconds));
    sendProblem(reply, 'shutting_down', 'the service is shutting down; retry on another instance or later');
  });
  // A keep-alive connection busy when closing began would stay open once idle (Fastify closes
  // only the connections idle at that moment) and hold the close until its keep-alive timeout.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}

export default fp(shutdownAnswers, {
  name: 'shutdown-answers',
  fastify: '5.x',
  dependencies: ['problem-details'],
});
