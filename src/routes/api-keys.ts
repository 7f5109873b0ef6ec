import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id, problems } from '../http/schemas.js';

const ApiKeyCreated = z.object({
  id: z.string(),
  key: z.string().meta({ description: 'Shown only in this answer; stored hashed' }),
  name: z.string(),
  groupIds: z.array(z.string()),
  createdAt: z.string(),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api-keys',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['keys'],
        operationId: 'createApiKey',
        summary: 'Create a partner key scoped to group customers (admin)',
        body: z.object({ name: z.string().min(1).max(100), groupIds: z.array(Id).max(1000) }),
        response: { 201: ApiKeyCreated, ...problems(403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(app.services.apiKeys.create(request.body)),
  );
};

export default routes;
