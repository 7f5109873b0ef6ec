import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTITUTION_TYPES, PROVINCES, VALUE_TIERS } from '../../../src/domain/group-rules.js';
import { ADMIN_KEY, createGroup, createMember, createTestApp, type TestApp } from '../../helpers/app.js';

type Res = Awaited<ReturnType<TestApp['call']>>;

/** Every error answer is RFC 9457 problem+json with the catalogue's fields. */
function expectProblem(res: Res, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const problem = res.json();
  expect(problem).toEqual({
    type: expect.stringMatching(new RegExp(`^https?://.+${code}$`)),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    ...(problem.errors !== undefined && { errors: expect.any(Array) }),
  });
  expect(problem.title.length).toBeGreaterThan(0);
  expect(problem.detail.length).toBeGreaterThan(0);
  return problem;
}

let t: TestApp;
let group: string;
beforeAll(async () => {
  t = await createTestApp();
  group = await createGroup(t);
  await t.call({ method: 'PUT', url: `/v1/groups/${group}/vpn`, payload: {} });
  await createMember(t, group, { msisdn: '13800138000', name: '张兰' });
  await createMember(t, group, { msisdn: '13800138001', name: '李四' });
});
afterAll(async () => {
  await t.close();
});

describe('problem+json answers', () => {
  it.each([
    ['GET', '/nope'],
    ['GET', '/v1'],
    ['GET', '/v1/nothing-here'],
    ['POST', '/v1/groups/x/y/z'],
    ['PUT', '/v1/groups'],
  ] as const)('%s %s → 404 route_not_found', async (method, url) => {
    const problem = expectProblem(await t.call({ method, url }), 404, 'route_not_found');
    expect(problem.detail).toContain(url);
  });

  it('answers an unknown route with 404 even without a key', async () => {
    expectProblem(await t.call({ method: 'GET', url: '/nope', key: null }), 404, 'route_not_found');
  });

  it.each(['{bad', '{"name": "x",}', "{'a': 1}", '[1, 2'])(
    'malformed JSON %j → 400 malformed_body',
    async (payload) => {
      const res = await t.call({
        method: 'POST',
        url: '/v1/groups',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(res, 400, 'malformed_body');
    },
  );

  it('an empty JSON body → 400', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: '',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400, 'malformed_body');
  });

  it('a body over 1 MiB → 413, one at the limit is read', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024), institutionType: 'enterprise' });
    expectProblem(
      await t.call({
        method: 'POST',
        url: '/v1/groups',
        payload: big,
        headers: { 'content-type': 'application/json' },
      }),
      413,
      'payload_too_large',
    );
    const padding = 1024 * 1024 - JSON.stringify({ from: '13800138000', to: '13800138001', pad: '' }).length;
    const atLimit = JSON.stringify({ from: '13800138000', to: '13800138001', pad: ' '.repeat(padding) });
    expect(Buffer.byteLength(atLimit)).toBe(1024 * 1024);
    const res = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: atLimit,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(200);
  });

  it.each([
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'image/png',
  ])('content-type %s → 415', async (type) => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups',
      payload: 'a=1',
      headers: { 'content-type': type },
    });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('a body without a content-type → 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/route',
      body: JSON.stringify({ from: '13800138000', to: '110' }),
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('content-type text/plain → 415 (what fetch sends for a string body without a header)', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: JSON.stringify({ from: '13800138000', to: '13800138001' }),
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('application/json with a charset is read', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: JSON.stringify({ from: '13800138000', to: '13800138001' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('a validation problem lists {path, message} per bad field', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups',
      payload: { name: '', institutionType: 'corp', valueTier: 'Z', province: 'CN-HE', city: 5 },
    });
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors.length).toBeGreaterThanOrEqual(4);
    for (const e of problem.errors) {
      expect(Object.keys(e).sort()).toEqual(['message', 'path']);
      expect(e.path).toMatch(/^body\./);
      expect(e.message.length).toBeGreaterThan(0);
    }
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['body.name', 'body.institutionType', 'body.valueTier', 'body.city']),
    );
  });

  it('names nested and query fields by their path', async () => {
    const nested = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: '13800138000', to: '13800138001', location: { province: 'Mars' } },
    });
    expect(expectProblem(nested, 400, 'validation_failed').errors[0].path).toBe('body.location.province');
    const query = await t.call({ method: 'GET', url: '/v1/groups?limit=9999' });
    expect(expectProblem(query, 400, 'validation_failed').errors[0].path).toBe('querystring.limit');
  });

  it('a bad dialled string and a bad caller → 400 naming body.to / body.from', async () => {
    const to = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: '13800138000', to: '138-0013' },
    });
    expect(expectProblem(to, 400, 'validation_failed').errors[0].path).toBe('body.to');
    const from = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: 'anonymous', to: '110' },
    });
    expect(expectProblem(from, 400, 'validation_failed').errors[0].path).toBe('body.from');
  });
});

describe('no bad input is ever a 5xx', () => {
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  /** Mostly a plausible value, sometimes any JSON at all. */
  const maybe = <T>(arb: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: arb, weight: 6 }, { arbitrary: anyJson, weight: 1 });
  const numberish = fc.oneof(
    {
      arbitrary: fc.constantFrom(
        '13800138000',
        '+86 138 0013 8001',
        '8613800138000',
        '01012345678',
        '110',
        '12345',
      ),
      weight: 4,
    },
    { arbitrary: fc.constantFrom('', '+', '*#', '１３８'), weight: 1 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
    { arbitrary: fc.stringMatching(/^[+*#]?\d{0,25}$/), weight: 2 },
  );
  const instant = fc.oneof(
    fc
      .date({
        min: new Date('0001-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString()),
    fc.constantFrom('2026-11-24T09:30:00+08:00', '2026-02-30T00:00:00Z', '1999-12-31T24:00:00Z', 'now', ''),
  );

  const groupBodies = fc.oneof(
    { arbitrary: anyJson, weight: 1 },
    {
      arbitrary: fc.record(
        {
          name: maybe(fc.string({ maxLength: 250 })),
          institutionType: maybe(fc.constantFrom(...INSTITUTION_TYPES)),
          valueTier: maybe(fc.constantFrom(...VALUE_TIERS)),
          province: maybe(fc.constantFrom(...PROVINCES)),
          city: maybe(fc.option(fc.string({ maxLength: 120 }))),
          timezone: maybe(
            fc.constantFrom('Asia/Shanghai', 'UTC', 'Nowhere/Land', '', 'CST', 'Etc/GMT-8', '+08:00'),
          ),
          extra: anyJson,
        },
        { requiredKeys: ['name', 'institutionType', 'valueTier', 'province'] },
      ),
      weight: 4,
    },
  );

  const routeBodies = fc.oneof(
    { arbitrary: anyJson, weight: 1 },
    {
      arbitrary: fc.record(
        {
          from: maybe(numberish),
          to: maybe(numberish),
          service: maybe(fc.constantFrom('voice', 'sms', 'fax')),
          at: maybe(instant),
          location: maybe(
            fc.record(
              { province: maybe(fc.constantFrom(...PROVINCES)), cellId: maybe(fc.string({ maxLength: 70 })) },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: ['from', 'to'] },
      ),
      weight: 4,
    },
  );

  it.each([
    ['POST /v1/groups', '/v1/groups', groupBodies],
    ['POST /v1/route', '/v1/route', routeBodies],
  ] as const)(
    '%s answers every random JSON body below 500, as problem+json when it refuses',
    async (_, url, bodies) => {
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          const res = await t.call({
            method: 'POST',
            url,
            payload: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          });
          statuses.add(res.statusCode);
          expect(res.statusCode, `${res.statusCode} for ${JSON.stringify(body)}: ${res.body}`).toBeLessThan(
            500,
          );
          if (res.statusCode >= 400) {
            expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
            expect(res.json().status).toBe(res.statusCode);
          }
        }),
        // A fixed seed: random route bodies pass validation about 3 times in 100, so with a new
        // seed each run the coverage check below failed now and then (about 1 run in 17).
        { numRuns: 100, seed: 20_261_124 },
      );
      // The generators reach past validation, not only the 400s.
      expect([...statuses].some((s) => s < 300)).toBe(true);
    },
  );
});
