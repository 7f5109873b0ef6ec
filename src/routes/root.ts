import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/**
 * `/` leads to the web console once there is one (the contract); until then to the API
 * reference, so a newcomer opening the bare address lands somewhere useful.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/', { schema: { hide: true }, config: { access: 'public' } }, async (_request, reply) =>
    reply.redirect('/docs', 302),
  );
};

export default routes;
