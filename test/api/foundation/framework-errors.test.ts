import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { clientErrorHandler } from '../../../src/http/framework-errors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

/**
 * Errors raised before any route runs are problem+json too: the router's (app.inject reaches
 * them), the HTTP parser's and the server's (only a real socket does), and the answers given
 * while the server closes.
 */
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A raw connection: what the server has written on it so far, and when it closed. */
async function connect(
  port: number,
): Promise<{ socket: net.Socket; text: () => string; closed: Promise<unknown> }> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  return { socket, text: () => text, closed: once(socket, 'close') };
}

/** Writes raw bytes to the server and reads until it closes the connection. */
async function exchange(port: number, bytes: string | Buffer): Promise<string> {
  const { socket, text, closed } = await connect(port);
  socket.write(bytes);
  await closed;
  return text();
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Splits the first HTTP response out of raw text. */
function parseResponse(text: string): RawResponse {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  const length = Number(headers['content-length']);
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: JSON.parse(rest.join('\r\n\r\n').slice(0, length)),
  };
}

async function listening(app: TestApp): Promise<number> {
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  return (app.app.server.address() as AddressInfo).port;
}

function expectProblem(res: RawResponse, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: expect.stringContaining(code) });
}

describe('errors of the router (frameworkErrors)', () => {
  it('a malformed percent-encoding in the path is 400 malformed_url', async () => {
    t = await createTestApp();
    const res = await t.call({ method: 'GET', url: '/v1/groups/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 400, code: 'malformed_url' });
  });

  it('a path parameter over 100 characters is 414 uri_too_long', async () => {
    t = await createTestApp();
    const res = await t.call({ method: 'GET', url: `/v1/groups/${'g'.repeat(101)}` });
    expect(res.statusCode).toBe(414);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 414, code: 'uri_too_long' });
  });
});

describe('errors of the HTTP server (clientError), over a real socket', () => {
  it('headers over 16 KiB: 431 headers_too_large, Connection: close, and the socket closed', async () => {
    t = await createTestApp();
    const port = await listening(t);
    const raw = await exchange(
      port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const res = parseResponse(raw);
    expectProblem(res, 431, 'headers_too_large');
    expect(res.headers.connection).toBe('close');
  });

  it('bytes that are not HTTP: 400 malformed_request', async () => {
    t = await createTestApp();
    const port = await listening(t);
    const res = parseResponse(await exchange(port, 'HELLO THERE\r\n\r\n'));
    expectProblem(res, 400, 'malformed_request');
    expect(res.headers.connection).toBe('close');
  });

  it('a bad Content-Length framing: 400 malformed_request', async () => {
    t = await createTestApp();
    const port = await listening(t);
    const bad = 'POST /v1/groups HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello';
    expectProblem(parseResponse(await exchange(port, bad)), 400, 'malformed_request');
  });

  it('a request timeout: 408 request_timeout (the handler as the server calls it, on a real socket)', async () => {
    // The server's own request timer is 30 s; the handler is what it calls when it fires.
    t = await createTestApp();
    const server = net.createServer((socket) => {
      const error = Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
      clientErrorHandler.call(t!.app, error, socket);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const res = parseResponse(await exchange((server.address() as AddressInfo).port, 'GET / HTTP/1.1\r\n'));
      expectProblem(res, 408, 'request_timeout');
      expect(res.headers.connection).toBe('close');
    } finally {
      server.close();
    }
  });
});

/** A public test route that takes `ms` of wall time. */
function addSlowRoute(app: TestApp, ms: number) {
  app.app.get('/test/slow', { config: { access: 'public' }, schema: { hide: true } }, async () => {
    await sleep(ms);
    return { done: true };
  });
}

describe('the per-request deadline', () => {
  it('a request still running at its deadline ends with 503 deadline_exceeded problem+json', async () => {
    t = await createTestApp({ requestDeadlineMs: 100 });
    addSlowRoute(t, 1000);
    await t.app.ready();
    const started = Date.now();
    const res = await t.call({ method: 'GET', url: '/test/slow', key: null });
    expect(Date.now() - started).toBeLessThan(800);
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 503, code: 'deadline_exceeded' });
  });

  it('a request within its deadline answers as usual', async () => {
    t = await createTestApp({ requestDeadlineMs: 1000 });
    addSlowRoute(t, 20);
    expect((await t.call({ method: 'GET', url: '/test/slow', key: null })).json()).toEqual({ done: true });
  });
});

describe('while the server closes', () => {
  it('a request still arriving when closing began gets 503 shutting_down with Retry-After and Connection: close', async () => {
    t = await createTestApp();
    const port = await listening(t);
    const { socket, text, closed } = await connect(port);
    // Half a request: the connection is busy, not idle, when the close begins.
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await sleep(50);
    const closing = t.app.close();
    await sleep(20);
    socket.write('\r\n');
    await closed;
    await closing;
    t = undefined;
    const late = parseResponse(text());
    expectProblem(late, 503, 'shutting_down');
    expect(late.headers.connection).toBe('close');
    expect(late.headers['retry-after']).toBe('2');
  });

  it('a keep-alive connection busy when closing began is closed after its answer, so close ends', async () => {
    t = await createTestApp();
    addSlowRoute(t, 300);
    const port = await listening(t);
    const { socket, text, closed } = await connect(port);
    socket.write('GET /test/slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(50);
    const started = Date.now();
    await t.app.close();
    t = undefined;
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(text().toLowerCase()).toContain('connection: close');
  });

  it('idle keep-alive connections are closed once the short linger ends', async () => {
    t = await createTestApp();
    const port = await listening(t);
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'data');
    const closed = once(socket, 'close');
    const started = Date.now();
    await t.app.close();
    t = undefined;
    await closed;
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
