import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { testConfig } from '../../../src/config.js';
import { ADMIN_KEY, createGroup, createTestApp, T0, type TestApp } from '../../helpers/app.js';

type Res = Awaited<ReturnType<TestApp['call']>>;

function expectProblem(res: Res, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  return expect(res.json()).toMatchObject({ status, code });
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('health', () => {
  it('GET /healthz answers ok without a key', async () => {
    const res = await t.call({ method: 'GET', url: '/healthz', key: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers ready without a key once the database answers', async () => {
    const res = await t.call({ method: 'GET', url: '/readyz', key: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('GET /readyz answers 503 once the database does not answer', async () => {
    const other = await createTestApp();
    try {
      expect((await other.call({ method: 'GET', url: '/readyz', key: null })).statusCode).toBe(200);
      await other.app.backend.close();
      expectProblem(
        await other.call({ method: 'GET', url: '/readyz', key: null }),
        503,
        'service_unavailable',
      );
    } finally {
      await other.close();
    }
  });

  it('ignores a bad key on public routes', async () => {
    expect((await t.call({ method: 'GET', url: '/healthz', key: 'garbage' })).statusCode).toBe(200);
  });
});

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
}
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  tags?: Array<{ name: string }>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
  paths: Record<string, Record<string, Operation | undefined>>;
}

describe('GET /openapi.json', () => {
  let doc: OpenApiDoc;
  beforeAll(async () => {
    const res = await t.call({ method: 'GET', url: '/openapi.json', key: null });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.json();
  });

  it('is OpenAPI 3.1 with a title and version', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it.each([
    ['/v1/groups', ['get', 'post']],
    ['/v1/groups/{groupId}', ['get', 'patch', 'delete']],
    ['/v1/groups/{groupId}/members', ['get', 'post']],
    ['/v1/groups/{groupId}/members/{memberId}', ['get', 'patch', 'delete']],
    ['/v1/groups/{groupId}/vpn', ['get', 'put']],
    ['/v1/route', ['post']],
    ['/v1/messages', ['get', 'post']],
    ['/v1/api-keys', ['post']],
    ['/v1/sim/clock', ['get', 'post']],
    ['/healthz', ['get']],
  ])('documents %s (%j)', (path, methods) => {
    expect(Object.keys(doc.paths)).toContain(path);
    for (const method of methods) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });

  it('gives every operation a unique operationId and at least one declared tag', () => {
    const declaredTags = new Set((doc.tags ?? []).map((tag) => tag.name));
    const ids: string[] = [];
    const verbs = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const verb of verbs) {
        const op = item[verb];
        if (!op) continue;
        expect(op.operationId, `${verb} ${path}`).toEqual(expect.any(String));
        expect(op.tags?.length, `${verb} ${path} tags`).toBeGreaterThan(0);
        for (const tag of op.tags ?? [])
          expect(declaredTags.has(tag), `${verb} ${path} tag ${tag}`).toBe(true);
        ids.push(op.operationId!);
      }
    }
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares the bearer security scheme, and no security on the health check', () => {
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/healthz']?.get?.security).toEqual([]);
  });

  it('hides its own and the UI routes', () => {
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/docs') || p === '/openapi.json')).toEqual([]);
  });
});

describe('GET /docs', () => {
  it('serves the reference UI as HTML without a key', async () => {
    let res = await t.call({ method: 'GET', url: '/docs', key: null });
    for (let hops = 0; hops < 3 && res.statusCode >= 300 && res.statusCode < 400; hops++) {
      res = await t.call({ method: 'GET', url: String(res.headers.location), key: null });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
  });
});

describe('/v1/sim/clock (simulated)', () => {
  let c: TestApp;
  beforeAll(async () => {
    c = await createTestApp();
  });
  afterAll(async () => {
    await c.close();
  });

  const move = (payload: object) => c.call({ method: 'POST', url: '/v1/sim/clock', payload });

  it('GET tells the mode and the simulated time, and needs a key', async () => {
    const res = await c.call({ method: 'GET', url: '/v1/sim/clock' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mode: 'simulated', now: new Date(T0).toISOString() });
    expectProblem(await c.call({ method: 'GET', url: '/v1/sim/clock', key: null }), 401, 'unauthorized');
  });

  it('advanceSeconds moves it forward', async () => {
    const before = Date.parse((await c.call({ method: 'GET', url: '/v1/sim/clock' })).json().now);
    const res = await move({ advanceSeconds: 3600 });
    expect(res.statusCode).toBe(200);
    expect(Date.parse(res.json().now)).toBe(before + 3_600_000);
    expect(c.clock.now()).toBe(before + 3_600_000);
    expect((await c.call({ method: 'GET', url: '/v1/sim/clock' })).json().now).toBe(res.json().now);
  });

  it('now sets it, and what is created afterwards carries the new time', async () => {
    const res = await move({ now: '2026-12-01T08:00:00+08:00' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mode: 'simulated', now: '2026-12-01T00:00:00.000Z' });
    const group = await createGroup(c);
    const created = (await c.call({ method: 'GET', url: `/v1/groups/${group}` })).json();
    expect(created.createdAt).toBe('2026-12-01T00:00:00.000Z');
  });

  it('accepts now equal to the current time and advanceSeconds 0', async () => {
    const current = (await c.call({ method: 'GET', url: '/v1/sim/clock' })).json().now;
    expect((await move({ now: current })).json().now).toBe(current);
    expect((await move({ advanceSeconds: 0 })).json().now).toBe(current);
  });

  it('refuses a now in the past (422 clock_in_past) and stays put', async () => {
    const current = (await c.call({ method: 'GET', url: '/v1/sim/clock' })).json().now;
    const res = await move({ now: '2026-01-01T00:00:00+08:00' });
    expectProblem(res, 422, 'clock_in_past');
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'body.now' })]);
    expect((await c.call({ method: 'GET', url: '/v1/sim/clock' })).json().now).toBe(current);
  });

  it('stops at 9999-01-01: a now or an advance past it is a 422 clock_out_of_range, never a +010000 time', async () => {
    const current = (await c.call({ method: 'GET', url: '/v1/sim/clock' })).json().now;
    expectProblem(await move({ now: '9999-12-31T23:59:59.999-23:59' }), 400, 'validation_failed');
    const late = await move({ now: '9998-12-31T00:00:00Z' });
    expect(late.json().now).toBe('9998-12-31T00:00:00.000Z');
    const past = await move({ advanceSeconds: 10 * 365 * 86_400 });
    expectProblem(past, 422, 'clock_out_of_range');
    expect(past.json().errors).toEqual([expect.objectContaining({ path: 'body.advanceSeconds' })]);
    expect((await c.call({ method: 'GET', url: '/v1/sim/clock' })).json().now).toBe(
      '9998-12-31T00:00:00.000Z',
    );
    expect(current).not.toBe('9998-12-31T00:00:00.000Z');
  });

  it.each([
    ['both', { now: '2030-01-01T00:00:00Z', advanceSeconds: 60 }],
    ['neither', {}],
    ['a negative advance', { advanceSeconds: -1 }],
    ['a now without offset', { now: '2030-01-01T00:00:00' }],
    ['a string advance', { advanceSeconds: '60' }],
  ])('refuses %s with a 400', async (_, payload) => {
    const current = (await c.call({ method: 'GET', url: '/v1/sim/clock' })).json().now;
    expectProblem(await move(payload), 400, 'validation_failed');
    expect((await c.call({ method: 'GET', url: '/v1/sim/clock' })).json().now).toBe(current);
  });
});

describe('/v1/sim/clock (real)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ config: testConfig({ clock: 'real' }) });
  });
  afterAll(async () => {
    await app.close();
  });
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };

  it('GET tells the real mode and the wall time', async () => {
    const before = Date.now();
    const res = await app.inject({ method: 'GET', url: '/v1/sim/clock', headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.mode).toBe('real');
    expect(Date.parse(body.now)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(body.now)).toBeLessThanOrEqual(Date.now() + 1);
  });

  it.each([{ advanceSeconds: 60 }, { now: '2099-01-01T00:00:00Z' }])(
    'refuses to move it: %j → 409 clock_not_simulated',
    async (payload) => {
      const res = await app.inject({ method: 'POST', url: '/v1/sim/clock', headers: auth, payload });
      expectProblem(res, 409, 'clock_not_simulated');
    },
  );
});
