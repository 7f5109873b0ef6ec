import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { testConfig } from '../../../src/config.js';
import { quietChildLoggerFactory } from '../../../src/http/quiet-logger.js';
import { ADMIN_KEY } from '../../helpers/app.js';

/** A destination that keeps every log line, parsed. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { lines, stream };
}

describe('the quiet request logger of hot routes', () => {
  it('drops info and below, and logs warnings and errors with the request id', () => {
    const { lines, stream } = capture();
    const log = quietChildLoggerFactory(pino({ level: 'trace' }, stream), { reqId: 'r-1' });
    log.trace('t');
    log.debug('d');
    log.info({ req: 'x' }, 'incoming request');
    log.warn('careful');
    log.error({ err: new Error('boom') }, 'unhandled error');
    log.fatal('down');
    expect(lines.map((l) => [l.level, l.msg, l.reqId])).toEqual([
      [40, 'careful', 'r-1'],
      [50, 'unhandled error', 'r-1'],
      [60, 'down', 'r-1'],
    ]);
    expect(log.level).toBe('warn');
    log.child({ extra: 1 }).error('from a child');
    expect(lines.at(-1)).toMatchObject({ msg: 'from a child', reqId: 'r-1', extra: 1 });
  });

  it("keeps the server's level when it is stricter than warn", () => {
    const { lines, stream } = capture();
    const log = quietChildLoggerFactory(pino({ level: 'error' }, stream), { reqId: 'r-2' });
    log.warn('not at this level');
    log.error('this one');
    expect(lines.map((l) => l.msg)).toEqual(['this one']);
    expect(log.level).toBe('error');
    expect(quietChildLoggerFactory(pino({ level: 'silent' }, stream), {}).level).toBe('silent');
  });
});

describe('request logging at the info level', () => {
  let app: FastifyInstance;
  const { lines, stream } = capture();

  beforeAll(async () => {
    app = await buildApp({
      config: testConfig({ logLevel: 'info' }),
      logger: { level: 'info', stream },
      adminKey: ADMIN_KEY,
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('logs other routes but not POST /v1/route', async () => {
    const headers = { authorization: `Bearer ${ADMIN_KEY}` };
    lines.length = 0;
    const groups = await app.inject({ method: 'GET', url: '/v1/groups', headers });
    expect(groups.statusCode).toBe(200);
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);

    lines.length = 0;
    const route = await app.inject({
      method: 'POST',
      url: '/v1/route',
      headers,
      payload: { from: '13800138000', to: '110' },
    });
    expect(route.statusCode).toBe(200);
    // A refused request on the route is not logged either (a 4xx is the caller's business).
    const refused = await app.inject({ method: 'POST', url: '/v1/route', headers, payload: { from: 'x' } });
    expect(refused.statusCode).toBe(400);
    expect(lines).toEqual([]);
  });
});
