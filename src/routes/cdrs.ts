import { Readable } from 'node:stream';
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

/** CSV when the client prefers it over JSON (a plain `Accept: text/csv`, as curl and ops tools send). */
function wantsCsv(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const csv = accept.indexOf('text/csv');
  if (csv === -1) return false;
  const json = accept.indexOf('application/json');
  return json === -1 || csv < json;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const { cdrs } = app.services;

  app.get(
    '/cdrs',
    {
      schema: {
        tags: ['billing'],
        operationId: 'listCdrs',
        summary:
          'Call detail records, oldest first; from/to bound the start time ([from, to)). With `Accept: text/csv` every matching CDR is streamed as CSV (no paging)',
        querystring: Pagination.extend({
          groupId: Id.optional(),
          from: Instant.optional(),
          to: Instant.optional(),
          callType: z.string().max(40).optional(),
        }),
        response: { 200: listOf(CdrSchema), ...problems(404) },
      },
    },
    async (request, reply) => {
      const { groupId, from, to, callType, limit, cursor } = request.query;
      const filter = { groupId, fromMs: from, toMs: to, callType };
      if (wantsCsv(request.headers.accept)) {
        const body = Readable.from(cdrs.csv(filter, request.principal));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="cdrs.csv"')
          .send(body as never);
      }
      return cdrs.list(filter, { limit, cursor }, request.principal);
    },
  );
};

export default routes;
