import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id, listOf, Pagination, problems } from '../http/schemas.js';

const AuditEntry = z
  .object({
    id: z.string(),
    at: z.string().meta({ description: 'Wall clock' }),
    keyId: z
      .string()
      .nullable()
      .meta({ description: '`admin`, a partner key id, or null when no key authenticated' }),
    method: z.string(),
    path: z.string(),
    status: z.number().int(),
    resource: z.string().optional().meta({ description: 'The id of the resource created or addressed' }),
  })
  .meta({ id: 'AuditEntry' });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit-log',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['keys'],
        operationId: 'listAuditLog',
        summary:
          'Every state-changing request, refused ones included, oldest first; not routing decisions or sandbox runs (admin)',
        querystring: Pagination.extend({
          keyId: Id.optional().meta({ description: "Only this key's requests (`admin` for the admin key)" }),
          after: z
            .string()
            .max(64)
            .optional()
            .meta({ description: 'The same as `cursor`: entries after this id' }),
        }),
        response: { 200: listOf(AuditEntry), ...problems(403) },
      },
    },
    async (request) => {
      const { keyId, after, cursor, limit } = request.query;
      return app.services.audit.list({ keyId, cursor: after ?? cursor, limit });
    },
  );
};

export default routes;
