import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id, Instant, listOf, Pagination, problems } from '../http/schemas.js';

export const CdrSchema = z
  .object({
    id: z.string(),
    callId: z.string(),
    groupId: z.string().nullable(),
    callType: z.string(),
    from: z.string(),
    to: z.string(),
    presentedCallerId: z.string(),
    startedAt: z.string(),
    answeredAt: z.string().nullable(),
    endedAt: z.string(),
    billableSeconds: z.number().int(),
    tariffClass: z.string(),
    rateFenPerMinute: z.number().int(),
    chargeFen: z.number().int(),
  })
  .meta({ id: 'Cdr' });

const routes: FastifyPluginAsyncZod = async (app) => {
  const { cdrs } = app.services;

  app.get(
    '/cdrs',
    {
      schema: {
        tags: ['billing'],
        operationId: 'listCdrs',
        summary: 'Call detail records, oldest first; from/to bound the start time ([from, to))',
        querystring: Pagination.extend({
          groupId: Id.optional(),
          from: Instant.optional(),
          to: Instant.optional(),
          callType: z.string().max(40).optional(),
        }),
        response: { 200: listOf(CdrSchema), ...problems(404) },
      },
    },
    async (request) => {
      const { groupId, from, to, callType, limit, cursor } = request.query;
      return cdrs.list({ groupId, fromMs: from, toMs: to, callType }, { limit, cursor }, request.principal);
    },
  );
};

export default routes;
