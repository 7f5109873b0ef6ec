import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { NEVER_SHED } from '../http/load-shedding.js';
import { Problem } from '../http/schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      // A load balancer reads it to tell a busy instance from a dead one: never shed.
      config: { access: 'public', ...NEVER_SHED },
      schema: {
        tags: ['system'],
        operationId: 'health',
        summary: 'The process is up',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        operationId: 'ready',
        summary: 'Ready: the directory is loaded (at start, before listening) and the database answers',
        security: [],
        response: { 200: z.object({ status: z.literal('ready') }), 503: Problem },
      },
    },
    async () => {
      try {
        await app.services.health.ping();
      } catch {
        throw new AppError('service_unavailable', 'the database does not answer');
      }
      return { status: 'ready' as const };
    },
  );
};

export default routes;
