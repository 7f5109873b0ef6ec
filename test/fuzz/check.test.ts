import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { answerDefect } from './check.js';
import { deepNesting } from './hostile.js';
import { type JsonSchema, schemaArbitrary } from './schema-arbitrary.js';

/** The fuzz suite's own checks: a checker that let everything through would pass vacuously. */

function answer(statusCode: number, type: string | undefined, body: string): LightMyRequestResponse {
  return {
    statusCode,
    headers: type ? { 'content-type': type } : {},
    body,
  } as unknown as LightMyRequestResponse;
}

const PROBLEM = 'application/problem+json; charset=utf-8';
const problem = (status: number, extra: object = {}) =>
  JSON.stringify({ type: 'https://x/problems/p', title: 't', status, detail: 'd', code: 'p', ...extra });

describe('answerDefect', () => {
  it('accepts problem+json errors, JSON successes, an empty 204 and the CSV export', () => {
    expect(answerDefect(answer(404, PROBLEM, problem(404)))).toBeUndefined();
    expect(answerDefect(answer(200, 'application/json; charset=utf-8', '{"items":[]}'))).toBeUndefined();
    expect(answerDefect(answer(204, undefined, ''))).toBeUndefined();
    expect(answerDefect(answer(200, 'text/csv; charset=utf-8', 'id,from\n'))).toBeUndefined();
  });

  it.each([
    ['a 500', answer(500, PROBLEM, problem(500)), '500 answered'],
    ['an error in plain JSON', answer(400, 'application/json', '{"error":"Bad Request"}'), 'content-type'],
    ['a problem whose status differs', answer(409, PROBLEM, problem(400)), 'status is 400'],
    [
      'a problem without a code',
      answer(422, PROBLEM, JSON.stringify({ type: 't', title: 't', status: 422, detail: 'd' })),
      'code',
    ],
    ['a success that is not JSON', answer(200, 'application/json', '{'), 'not JSON'],
    ['a 204 with a body', answer(204, undefined, '{}'), 'body'],
    ['a redirect', answer(302, undefined, ''), 'unexpected status'],
    [
      'a year past 9999',
      answer(200, 'application/json', '{"at":"+010000-01-01T00:00:00.000Z"}'),
      'four-digit',
    ],
  ])('flags %s', (_, res, reason) => {
    expect(answerDefect(res)).toContain(reason);
  });
});

describe('schemaArbitrary', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      kind: { type: 'string', enum: ['a', 'b'] },
      count: { type: 'integer', minimum: 1, maximum: 7 },
      code: { type: 'string', pattern: '^[1-9][0-9]{1,7}$' },
      at: { type: 'string', format: 'date-time' },
      tags: { type: 'array', items: { type: 'string', maxLength: 5 }, maxItems: 3 },
      next: { anyOf: [{ $ref: '#/components/schemas/Node' }, { type: 'null' }] },
    },
    required: ['kind', 'count', 'code'],
  };
  const components = { Node: schema };

  it('draws values the schema allows, recursion cut at the depth limit', () => {
    const values = fc.sample(schemaArbitrary(schema, { components, hints: {} }), { seed: 1, numRuns: 200 });
    for (const value of values as Array<Record<string, unknown>>) {
      expect(['a', 'b']).toContain(value.kind);
      expect(value.count).toBeGreaterThanOrEqual(1);
      expect(value.count).toBeLessThanOrEqual(7);
      expect(value.code).toMatch(/^[1-9][0-9]{1,7}$/);
      if (value.at !== undefined) expect(Number.isNaN(Date.parse(value.at as string))).toBe(false);
      expect((value.tags as string[] | undefined)?.length ?? 0).toBeLessThanOrEqual(3);
    }
    expect(values.some((value) => (value as { next?: unknown }).next)).toBe(true);
  });

  it('prefers a hint named like the property', () => {
    const hinted = schemaArbitrary(schema, { components, hints: { code: fc.constant('8301') } });
    const codes = fc.sample(hinted, { seed: 2, numRuns: 100 }).map((v) => (v as { code: string }).code);
    expect(codes.filter((code) => code === '8301').length).toBeGreaterThan(50);
  });
});

it('deepNesting nests as deep as asked', () => {
  expect(deepNesting(3, 'array')).toBe('[[[]]]');
  expect(JSON.parse(deepNesting(10_000, 'object'))).toBeTypeOf('object');
});
