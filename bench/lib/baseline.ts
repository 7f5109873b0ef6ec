/**
 * The bare Fastify baseline of the HTTP route benchmark: no logger, no auth, no hooks; a POST
 * route whose body has a plain JSON Schema equivalent to the route's zod `RouteInput`
 * (Fastify's default ajv), answering a JSON object of the same shape and about the same size
 * as a routing decision, serialised from a response schema (Fastify's default
 * fast-json-stringify), as the route's own answer is.
 *
 * So the ratio route/baseline measures what the service adds on top of Fastify (auth, zod,
 * the decision, idempotency and logging hooks), not a difference in the work of parsing or
 * answering.
 */
import Fastify from 'fastify';
import { PROVINCES } from '../../src/domain/group-rules.js';
import { DIAL_STRING } from '../../src/domain/phone.js';

const str = { type: 'string' } as const;

/** The JSON Schema of the answer: the fields of a routing decision. */
const ANSWER_SCHEMA = {
  type: 'object',
  properties: {
    decision: str,
    callType: str,
    from: str,
    to: str,
    target: {
      type: ['object', 'null'],
      properties: { msisdn: str, memberId: str, groupId: str },
    },
    presentedCallerId: str,
    ringback: {
      type: ['object', 'null'],
      properties: { policyId: str, toneIds: { type: 'array', items: str }, playback: str },
    },
    tariff: {
      type: 'object',
      properties: { class: str, rateFenPerMinute: { type: 'integer' } },
    },
    reason: str,
    explanation: str,
    roaming: { type: 'boolean' },
  },
} as const;

/** The bare baseline: no logger, a plain JSON Schema equivalent to RouteInput, a decision-sized answer. */
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
        response: { 200: ANSWER_SCHEMA },
      },
    },
    async (request) => {
      const { from, to } = request.body as { from: string; to: string };
      // About as long as a real decision (≈ 430 bytes), Chinese name included.
      return {
        decision: 'connect',
        callType: 'vpn_short',
        from,
        to,
        target: { msisdn: '+8613900000001', memberId: 'mem_bench0000001', groupId: 'grp_bench00000' },
        presentedCallerId: from,
        ringback: null,
        tariff: { class: 'onnet', rateFenPerMinute: 5 },
        reason: 'vpn_short_code',
        explanation: `short code ${to} in group grp_bench00000 is held by member 李磊; on-net at the catalogue's rate`,
        roaming: false,
      };
    },
  );
  return app;
}
