import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/domain/errors.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * docs/API.md is the partners' reference: it must name every operation the served OpenAPI
 * document has, no operation it lacks, and every error code of the catalogue with its status.
 */
const reference = readFileSync('docs/API.md', 'utf8');
const METHODS = 'GET|POST|PUT|PATCH|DELETE';

/** `GET/PATCH/DELETE /v1/groups/{groupId}` in backticks → one entry per method, query dropped. */
function documentedOperations(text: string): Set<string> {
  const pattern = new RegExp(`\`((?:${METHODS})(?:/(?:${METHODS}))*) (/[^\`\\s?]*)`, 'g');
  const operations = new Set<string>();
  for (const [, methods, path] of text.matchAll(pattern))
    for (const method of methods!.split('/')) operations.add(`${method} ${path}`);
  return operations;
}

let t: TestApp;
let served: Set<string>;
beforeAll(async () => {
  t = await createTestApp();
  const doc = (await t.call({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  served = new Set(
    Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    ),
  );
  // The document itself and its UI are served outside the schema'd routes.
  served.add('GET /openapi.json').add('GET /docs');
});
afterAll(() => t.close());

describe('docs/API.md', () => {
  it('documents every served operation and no other', () => {
    const documented = documentedOperations(reference);
    expect(
      [...served].filter((op) => !documented.has(op)),
      'served but not in docs/API.md',
    ).toEqual([]);
    expect(
      [...documented].filter((op) => !served.has(op)),
      'in docs/API.md but not served',
    ).toEqual([]);
  });

  it('lists every error code with its status', () => {
    const missing = Object.entries(ERRORS)
      .filter(([code, { status }]) => !reference.includes(`| \`${code}\` | ${status} |`))
      .map(([code, { status }]) => `${code} ${status}`);
    expect(missing).toEqual([]);
  });

  it('reads a documented operation the way the test expects', () => {
    expect([...documentedOperations('`GET/PATCH /v1/a/{id}` · `POST /v1/b?x=`')]).toEqual([
      'GET /v1/a/{id}',
      'PATCH /v1/a/{id}',
      'POST /v1/b',
    ]);
  });
});
