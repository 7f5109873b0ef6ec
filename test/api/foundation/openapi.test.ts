import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertDocumented } from '../../../src/http/openapi-document.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

interface Operation {
  operationId: string;
  summary?: string;
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  info: { version: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

const HEALTH_PROBES = new Set(['health', 'ready']);
let t: TestApp;
let doc: Document;
let operations: Operation[];

beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.call({ method: 'GET', url: '/openapi.json', key: null })).json();
  operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
});
afterAll(() => t.close());

describe('the served OpenAPI document', () => {
  it("carries package.json's version and a relative server", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(doc.info.version).toBe(pkg.version);
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('has components Swagger UI can resolve: no $id or $schema, no unused input variants', () => {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(schema, name).not.toHaveProperty('$id');
      expect(schema, name).not.toHaveProperty('$schema');
    }
    expect(Object.keys(doc.components.schemas)).not.toContain('GroupInput');
  });

  it('shows no safe-integer bounds (zod int) as examples', () => {
    expect(JSON.stringify(doc)).not.toContain(String(Number.MAX_SAFE_INTEGER));
  });

  it('gives every operation a summary, and every response a description of its own', () => {
    for (const operation of operations) {
      expect(operation.summary, operation.operationId).toBeTruthy();
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.description, `${operation.operationId} ${status}`).not.toBe('Default Response');
      }
    }
  });

  it('documents a client error on every operation but the health probes, as problem+json', () => {
    for (const operation of operations.filter((o) => !HEALTH_PROBES.has(o.operationId))) {
      const errors = Object.keys(operation.responses).filter((status) => status.startsWith('4'));
      expect(errors.length, operation.operationId).toBeGreaterThan(0);
      for (const status of errors) {
        expect(Object.keys(operation.responses[status]?.content ?? {})).toEqual(['application/problem+json']);
      }
    }
  });

  it('has examples for the main bodies', () => {
    expect(doc.components.schemas.Group?.examples).toEqual([
      expect.objectContaining({ institutionType: 'enterprise', valueTier: 'A2' }),
    ]);
    const createGroup = doc.paths['/v1/groups']?.post;
    expect(createGroup?.requestBody?.content['application/json']?.example).toMatchObject({
      province: 'CN-HE',
    });
  });
});

describe('assertDocumented', () => {
  it('refuses a route without a summary as it is registered, naming it', () => {
    const app = Fastify();
    app.addHook('onRoute', assertDocumented);
    const register = () =>
      app.get(
        '/undocumented',
        { schema: { tags: ['system'], operationId: 'x', response: {} } },
        async () => 'x',
      );
    expect(register).toThrow('GET /undocumented has no summary in its schema');
  });

  it('lets hidden routes through', async () => {
    const app = Fastify();
    app.addHook('onRoute', assertDocumented);
    app.get('/hidden', { schema: { hide: true } }, async () => 'x');
    await expect(app.ready()).resolves.toBeDefined();
    await app.close();
  });
});
