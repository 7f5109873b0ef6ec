import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import packageJson from '../../package.json' with { type: 'json' };
import { assertDocumented, describeResponses, tidyDocument } from './openapi-document.js';

/**
 * OpenAPI 3.1 generated from the routes' zod schemas, served at `/openapi.json`, with the
 * reference UI at `/docs`. Registered before the routes so that it sees every one of them.
 */
async function openapi(app: FastifyInstance) {
  app.addHook('onRoute', assertDocumented);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Group telecom service simulation',
        version: packageJson.version,
        description:
          'Enterprise mobile products of an operator group-customer business (集团客户): group VPN, switchboard, group ringback, conference bridge, billing. Errors are RFC 9457 problem+json.',
      },
      // Relative: `/docs` tries requests against whichever host and port served it.
      servers: [{ url: '/', description: 'This service' }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Admin or partner API key' },
        },
      },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'system', description: 'Health and simulation controls' },
        { name: 'keys', description: 'API keys' },
        { name: 'groups', description: '集团客户 group customers' },
        { name: 'members', description: '成员 members' },
        { name: 'vpn', description: '集团网 group VPN' },
        { name: 'switchboard', description: '移动总机 switchboards' },
        { name: 'ringback', description: '集团彩铃 group ringback tones' },
        { name: 'routing', description: 'The call-routing hot path' },
        { name: 'messages', description: '短号短信 short messages' },
        { name: 'calls', description: 'Simulated calls: states, actions, events' },
        { name: 'conferences', description: '移动会议电话 conference bridge and address books' },
        { name: 'billing', description: 'Tariffs, CDRs, subscriptions and monthly bills' },
        { name: 'scenarios', description: 'QA scenario sandbox' },
      ],
    },
    transform: (input) => {
      const { schema, url } = jsonSchemaTransform(input);
      const response = (schema as { response?: Record<string, unknown> } | undefined)?.response;
      return { schema: response ? { ...schema, response: describeResponses(response) } : schema, url };
    },
    transformObject: (input) => tidyDocument(jsonSchemaTransformObject(input) as Record<string, unknown>),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () =>
    app.swagger(),
  );
}

export default fp(openapi, { name: 'openapi', fastify: '5.x' });
