import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CALL_ACTIONS, CALL_STATES, type CallInput } from '../engines/calls/index.js';
import {
  AnyNumber,
  DialString,
  Id,
  Instant,
  listOf,
  Pagination,
  Province,
  problems,
} from '../http/schemas.js';
import { callView } from '../services/calls.js';

const CallEvent = z
  .looseObject({ at: z.string(), type: z.string() })
  .meta({ id: 'CallEvent', description: 'One entry of the event log; the other fields depend on `type`' });

export const CallSchema = z
  .object({
    id: z.string(),
    state: z.enum(CALL_STATES),
    callType: z.string(),
    from: z.string(),
    to: z.string(),
    presentedCallerId: z.string(),
    target: z
      .object({ msisdn: z.string(), memberId: z.string().optional(), groupId: z.string().optional() })
      .nullable(),
    switchboardId: z.string().optional(),
    conferenceId: z.string().optional(),
    participantId: z.string().optional(),
    events: z.array(CallEvent),
    cdrId: z.string().optional(),
    startedAt: z.string(),
    answeredAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    allowedActions: z.array(z.enum(CALL_ACTIONS)),
  })
  .meta({ id: 'Call' });

const NewCall = z.object({
  from: AnyNumber,
  to: DialString,
  at: Instant.optional(),
  location: z.object({ province: Province.optional(), cellId: z.string().max(64).optional() }).optional(),
});

const Digits = z
  .string()
  .regex(/^[0-9*#]{1,32}$/, 'must be keys 0-9, * or #')
  .meta({ description: 'Keys pressed, e.g. `8001`, `0` or `123456#`', example: '8001' });

const TransferTarget = z
  .object({
    extension: z
      .string()
      .regex(/^\d{1,8}$/)
      .optional(),
    memberId: Id.optional(),
  })
  .refine((t) => (t.extension === undefined) !== (t.memberId === undefined), {
    message: 'give exactly one of extension or memberId',
  });

const CallAction = z
  .object({
    action: z.enum(CALL_ACTIONS),
    digits: Digits.optional(),
    target: TransferTarget.optional(),
    at: Instant.optional().meta({ description: "The action's time on the call's own clock (default: now)" }),
  })
  .superRefine((body, ctx) => {
    if (body.action === 'dtmf' && body.digits === undefined) {
      ctx.addIssue({ code: 'custom', path: ['digits'], message: 'dtmf needs digits' });
    }
    if (body.action === 'transfer' && body.target === undefined) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'transfer needs a target' });
    }
  });

const CallParams = z.object({ callId: Id });

/** The engine's input from a validated action body (the schema guarantees digits and target). */
function callInputOf(body: z.output<typeof CallAction>): CallInput {
  switch (body.action) {
    case 'dtmf':
      return { action: 'dtmf', digits: body.digits! };
    case 'transfer': {
      const { extension, memberId } = body.target!;
      return {
        action: 'transfer',
        target: extension !== undefined ? { extension } : { memberId: memberId! },
      };
    }
    default:
      return { action: body.action };
  }
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const { calls, directory } = app.services;
  const tags = ['calls'];

  app.post(
    '/calls',
    {
      schema: {
        tags,
        operationId: 'createCall',
        summary: 'Place a simulated call: routed, then ringing, in an IVR, or ended at once when refused',
        body: NewCall,
        response: { 201: CallSchema, ...problems(403, 422) },
      },
    },
    async (request, reply) => {
      const { from, to, at, location } = request.body;
      const call = await calls.create({ from, to, atMs: at, location }, request.principal);
      return reply.code(201).send(callView(call, request.principal));
    },
  );

  app.post(
    '/calls/:callId/actions',
    {
      schema: {
        tags,
        operationId: 'actOnCall',
        summary:
          'Act on a call (answer, reject, busy, no_answer, dtmf, timeout, transfer, hangup); 409 when its state does not allow it',
        params: CallParams,
        body: CallAction,
        response: { 200: CallSchema, ...problems(404, 409, 422) },
      },
    },
    async (request) => {
      const body = request.body;
      const principal = request.principal;
      return callView(
        await calls.act(request.params.callId, callInputOf(body), body.at, principal),
        principal,
      );
    },
  );

  app.get(
    '/calls/:callId',
    {
      schema: {
        tags,
        operationId: 'getCall',
        summary: 'Read a call with its events and allowed actions',
        params: CallParams,
        response: { 200: CallSchema, ...problems(404) },
      },
    },
    async (request) => callView(await calls.get(request.params.callId, request.principal), request.principal),
  );

  app.get(
    '/calls',
    {
      schema: {
        tags,
        operationId: 'listCalls',
        summary: 'Calls oldest first; groupId matches the caller or the called party',
        querystring: Pagination.extend({ state: z.enum(CALL_STATES).optional(), groupId: Id.optional() }),
        response: { 200: listOf(CallSchema), ...problems(404) },
      },
    },
    async (request) => {
      const { state, groupId, limit, cursor } = request.query;
      return calls.list({ state, groupId }, { limit, cursor }, request.principal);
    },
  );

  app.get(
    '/switchboards/:switchboardId/queue',
    {
      config: {
        groupOf: (request) =>
          directory.switchboardsById.get((request.params as { switchboardId: string }).switchboardId)
            ?.groupId,
      },
      schema: {
        tags: ['switchboard'],
        operationId: 'getSwitchboardQueue',
        summary: "The operator desk's queue, oldest first, with the operators' status",
        params: z.object({ switchboardId: Id }),
        response: {
          200: z.object({
            switchboardId: z.string(),
            items: z.array(CallSchema),
            operators: z.array(z.object({ memberId: z.string(), name: z.string(), status: z.string() })),
          }),
          ...problems(404),
        },
      },
    },
    async (request) => {
      const { switchboardId } = request.params;
      const switchboard = directory.switchboardsById.get(switchboardId)!;
      return {
        switchboardId,
        items: calls.queueOf(switchboardId).map((call) => callView(call, request.principal)),
        operators: [...switchboard.operators].map(([memberId, status]) => ({
          memberId,
          name: directory.membersById.get(memberId)?.name ?? '',
          status,
        })),
      };
    },
  );
};

export default routes;
