/**
 * The bare Fastify baseline of the HTTP route benchmark: no logger, no auth, no hooks; a POST
 * route whose body has a plain JSON Schema equivalent to the route's zod `RouteInput`
 * (Fastify's default ajv), answering a small JSON object.
 */
import Fastify from 'fastify';
import { PROVINCES } from '../../src/domain/group-rules.js';
import { DIAL_STRING } from '../../src/domain/phone.js';

/** The bare baseline: no logger, a plain JSON Schema equivalent to RouteInput, a small answer. */
export async function buildBaseline() {
  const app = Fastify({ logger: false });
  app.post(
    '/v1/route',
    {
      schema: {
        body: {
          type: 'object',
          required: ['from', 'to'],
          properties: {
            from: { type: 'string', maxLength: 32 },
            to: { type: 'string', pattern: DIAL_STRING.source },
            service: { type: 'string', enum: ['voice', 'sms'], default: 'voice' },
            at: { type: 'string', format: 'date-time' },
            location: {
              type: 'object',
              properties: {
                province: { type: 'string', enum: [...PROVINCES] },
                cellId: { type: 'string', maxLength: 64 },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const body = request.body as { to: string; service: string };
      return { decision: 'connect', callType: 'offnet', to: body.to, service: body.service };
    },
  );
  return app;
}
