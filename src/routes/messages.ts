import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AnyNumber, DialString, Instant, listOf, Pagination, problems } from '../http/schemas.js';

const Message = z
  .object({
    id: z.string(),
    kind: z
      .enum(['sms', 'notice'])
      .meta({ description: 'notice: a platform notice (e.g. conference invitation)' }),
    from: z.string(),
    to: z.string(),
    text: z.string(),
    at: z.string(),
    senderDisplay: z.string(),
    recipients: z.array(z.object({ msisdn: z.string(), memberId: z.string().optional() })),
  })
  .meta({ id: 'Message' });

const routes: FastifyPluginAsyncZod = async (app) => {
  const messages = app.services.messages;

  app.post(
    '/messages',
    {
      schema: {
        tags: ['messages'],
        operationId: 'sendMessage',
        summary: 'Send an SMS to a short code, a sub-group code or a long number',
        body: z.object({
          from: AnyNumber,
          to: DialString,
          text: z.string().min(1).max(1000),
          at: Instant.optional(),
        }),
        response: { 201: Message, ...problems(403, 422) },
      },
    },
    async (request, reply) => {
      const { at, ...rest } = request.body;
      return reply.code(201).send(await messages.send(request.principal, { ...rest, atMs: at }));
    },
  );

  app.get(
    '/messages',
    {
      schema: {
        tags: ['messages'],
        operationId: 'listMessages',
        summary: 'Messages, newest first: ?to= a recipient inbox, ?from= a sender',
        querystring: Pagination.extend({ to: AnyNumber.optional(), from: AnyNumber.optional() }),
        response: { 200: listOf(Message), ...problems() },
      },
    },
    async (request) => {
      const { to, from, ...page } = request.query;
      const principal = request.principal;
      return messages.list(
        { to, from, scope: principal.kind === 'partner' ? principal.groupIds : null },
        page,
        principal,
      );
    },
  );
};

export default routes;
