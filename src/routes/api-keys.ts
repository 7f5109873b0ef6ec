import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id, Instant, listOf, NoContent, Pagination, problems } from '../http/schemas.js';

const RateLimitPerSecond = z
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .meta({ description: "Requests a second this key may send (per node); default: the service's setting" });

const ApiKeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    groupIds: z.array(z.string()),
    prefix: z.string().nullable().meta({
      description: "The key's first characters, to recognise it; null for an older key until its first use",
    }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().meta({ description: 'Wall clock, recorded within a few seconds' }),
    revokedAt: z.string().optional(),
    expiresAt: z.string().optional().meta({ description: 'Wall clock: refused (401) from then on' }),
    rateLimitPerSecond: z.number().int(),
  })
  .meta({ id: 'ApiKey' });

const ApiKeyCreated = ApiKeyView.extend({
  key: z.string().meta({ description: 'Shown only in this answer; stored as a keyed hash' }),
});

const KeyParams = z.object({ keyId: Id });
const admin = { access: 'admin' } as const;

const routes: FastifyPluginAsyncZod = async (app) => {
  const { apiKeys } = app.services;

  app.post(
    '/api-keys',
    {
      config: admin,
      schema: {
        tags: ['keys'],
        operationId: 'createApiKey',
        summary: 'Create a partner key scoped to group customers (admin)',
        body: z.object({
          name: z.string().min(1).max(100),
          groupIds: z.array(Id).max(1000),
          expiresAt: Instant.optional().meta({ description: 'Wall clock; refused (401) from then on' }),
          rateLimitPerSecond: RateLimitPerSecond.optional(),
        }),
        response: { 201: ApiKeyCreated, ...problems(403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await apiKeys.create(request.body)),
  );

  app.get(
    '/api-keys',
    {
      config: admin,
      schema: {
        tags: ['keys'],
        operationId: 'listApiKeys',
        summary: 'Partner keys, oldest first, revoked ones included, without their secrets (admin)',
        querystring: Pagination,
        response: { 200: listOf(ApiKeyView), ...problems(403) },
      },
    },
    async (request) => apiKeys.list(request.query),
  );

  app.get(
    '/api-keys/:keyId',
    {
      config: admin,
      schema: {
        tags: ['keys'],
        operationId: 'getApiKey',
        summary: 'A partner key without its secret (admin)',
        params: KeyParams,
        response: { 200: ApiKeyView, ...problems(403, 404) },
      },
    },
    async (request) => apiKeys.get(request.params.keyId),
  );

  app.delete(
    '/api-keys/:keyId',
    {
      config: admin,
      schema: {
        tags: ['keys'],
        operationId: 'revokeApiKey',
        summary: 'Revoke a partner key: refused (401) from then on (admin)',
        params: KeyParams,
        response: { 204: NoContent, ...problems(403, 404) },
      },
    },
    async (request, reply) => {
      apiKeys.revoke(request.params.keyId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api-keys/:keyId/rotate',
    {
      config: admin,
      schema: {
        tags: ['keys'],
        operationId: 'rotateApiKey',
        summary: 'Issue a new secret for a key; the old one works until the grace ends (admin)',
        params: KeyParams,
        body: z
          .object({
            graceSeconds: z
              .number()
              .int()
              .min(0)
              .max(30 * 24 * 3600)
              .default(0)
              .meta({ description: 'How long the old secret keeps working (wall clock); default 0' }),
          })
          .nullish()
          .meta({ description: 'Optional: without a body, no grace' }),
        response: {
          200: z.object({
            id: z.string(),
            key: z.string().meta({ description: 'The new secret, shown only in this answer' }),
            prefix: z.string(),
            previousValidUntil: z
              .string()
              .nullable()
              .meta({ description: 'When the old secret stops working; null: it already has' }),
          }),
          ...problems(403, 404, 409),
        },
      },
    },
    async (request) => apiKeys.rotate(request.params.keyId, request.body?.graceSeconds ?? 0),
  );
};

export default routes;
