import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONFERENCE_STATES, KEY_MAP, PARTICIPANT_STATES } from '../engines/conference/index.js';
import { fastSerializerCompiler } from '../http/fast-serializer.js';
import { AnyNumber, Id, Instant, listOf, MobileNumber, Pagination, problems } from '../http/schemas.js';
import { conferenceView, participantView } from '../services/conference-views.js';
import type { ParticipantRef } from '../services/conferences.js';

const tags = ['conferences'];
/** Control actions answer often and large: serialise from the schema without re-validating. */
const serializerCompiler = fastSerializerCompiler;

export const ParticipantSchema = z
  .object({
    id: z.string(),
    msisdn: z.string().meta({ description: 'E.164' }),
    memberId: z.string().nullable(),
    name: z.string().nullable(),
    role: z.enum(['host', 'participant']),
    state: z.enum(PARTICIPANT_STATES),
    muted: z.boolean(),
    callId: z.string().nullable().meta({ description: 'The current (or last) leg' }),
    joinedAt: z.string().nullable().meta({ description: 'The first join' }),
    leftAt: z.string().nullable().meta({ description: 'The last leave; null while joined' }),
    cause: z.string().nullable().meta({ description: 'Why not (or no longer) in the room' }),
    legs: z.array(z.object({ callId: z.string(), joinedAt: z.string(), leftAt: z.string().nullable() })),
    minutes: z.number().int().meta({ description: 'Started minutes of joined time so far (closed stays)' }),
  })
  .meta({ id: 'ConferenceParticipant' });

export const ConferenceSchema = z
  .object({
    id: z.string(),
    groupId: z.string().nullable().meta({ description: "The group billed: the host's" }),
    title: z.string().nullable(),
    state: z.enum(CONFERENCE_STATES),
    accessNumber: z.string(),
    pin: z.string(),
    hostMsisdn: z.string(),
    maxParticipants: z.number().int(),
    locked: z.boolean(),
    endWhenHostLeaves: z.boolean(),
    joinedCount: z.number().int().meta({ description: 'Participants in the room now' }),
    startAt: z.string().nullable(),
    durationMinutes: z.number().int().nullable(),
    startedAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    endCause: z.string().nullable(),
    participants: z.array(ParticipantSchema),
    participantMinutes: z.number().int().optional(),
    chargeFen: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Once ended: participant-minutes × the rate' }),
    createdAt: z.string(),
  })
  .meta({ id: 'Conference' });

const ConferenceEvent = z.looseObject({ seq: z.number().int(), at: z.string(), type: z.string() }).meta({
  id: 'ConferenceEvent',
  description: 'One entry of the event log; the other fields depend on `type`',
});

/** `{msisdn}`, `{memberId}` (the conference's group) or `{contactId}` (the group's or the host's book). */
const ParticipantRefSchema = z
  .object({ msisdn: AnyNumber.optional(), memberId: Id.optional(), contactId: Id.optional() })
  .refine((p) => [p.msisdn, p.memberId, p.contactId].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of msisdn, memberId or contactId',
  })
  .transform(
    (p): ParticipantRef =>
      p.msisdn !== undefined
        ? { msisdn: p.msisdn }
        : p.memberId !== undefined
          ? { memberId: p.memberId }
          : { contactId: p.contactId! },
  );

const NewConference = z.object({
  hostMsisdn: MobileNumber,
  groupId: Id.optional().meta({ description: "Defaults to the host's group; the group billed" }),
  title: z.string().trim().min(1).max(100).optional(),
  startAt: Instant.optional().meta({ description: 'Scheduled start; absent (or reached): at once' }),
  durationMinutes: z.number().int().min(1).max(10_080).optional(),
  maxParticipants: z
    .number()
    .int()
    .min(2)
    .max(500)
    .optional()
    .meta({ description: 'Host included; default from configuration (10)' }),
  pin: z
    .string()
    .regex(/^\d{4,8}$/, 'must be 4–8 digits')
    .optional()
    .meta({ description: 'Generated when absent; unique among conferences not yet ended' }),
  endWhenHostLeaves: z.boolean().optional(),
  participants: z.array(ParticipantRefSchema).max(499).default([]),
});

const ConferenceParams = z.object({ conferenceId: Id });
const ParticipantParams = z.object({ conferenceId: Id, participantId: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  const { conferences } = app.services;

  app.post(
    '/conferences',
    {
      serializerCompiler,
      schema: {
        tags,
        operationId: 'createConference',
        summary: 'An instant conference (dials the host and every participant) or a scheduled one',
        body: NewConference,
        response: { 201: ConferenceSchema, ...problems(403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { startAt, ...rest } = request.body;
      const conference = await conferences.create({ ...rest, startAtMs: startAt }, request.principal);
      return reply.code(201).send(conferenceView(conference, request.principal));
    },
  );

  app.get(
    '/conferences/keymap',
    {
      schema: {
        tags,
        operationId: 'getConferenceKeymap',
        summary: 'The handset key map: dtmf on a joined leg',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                keys: z.string(),
                who: z.enum(['anyone', 'host']),
                command: z.string(),
                effect: z.string(),
              }),
            ),
          }),
          ...problems(),
        },
      },
    },
    async () => ({ items: [...KEY_MAP] }),
  );

  app.get(
    '/conferences',
    {
      serializerCompiler,
      schema: {
        tags,
        operationId: 'listConferences',
        summary: "Conferences oldest first; groupId matches the conference's group or a participant's",
        querystring: Pagination.extend({
          state: z.enum(CONFERENCE_STATES).optional(),
          groupId: Id.optional(),
        }),
        response: { 200: listOf(ConferenceSchema), ...problems(404) },
      },
    },
    async (request) => {
      const { state, groupId, limit, cursor } = request.query;
      const page = await conferences.list({ state, groupId }, { limit, cursor }, request.principal);
      return {
        items: page.items.map((c) => conferenceView(c, request.principal)),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/conferences/:conferenceId',
    {
      serializerCompiler,
      schema: {
        tags,
        operationId: 'getConference',
        summary: 'A conference, live or history (with every stay and the charge once ended)',
        params: ConferenceParams,
        response: { 200: ConferenceSchema, ...problems(404) },
      },
    },
    async (request) =>
      conferenceView(
        await conferences.get(request.params.conferenceId, request.principal),
        request.principal,
      ),
  );

  app.patch(
    '/conferences/:conferenceId',
    {
      serializerCompiler,
      schema: {
        tags,
        operationId: 'updateConference',
        summary: 'Extend (or shorten) the duration, counted from the start',
        params: ConferenceParams,
        body: z.object({ durationMinutes: z.number().int().min(1).max(10_080) }),
        response: { 200: ConferenceSchema, ...problems(404, 409, 422) },
      },
    },
    async (request) =>
      conferenceView(
        await conferences.update(request.params.conferenceId, request.body, request.principal),
        request.principal,
      ),
  );

  app.post(
    '/conferences/:conferenceId/participants',
    {
      serializerCompiler,
      schema: {
        tags,
        operationId: 'addConferenceParticipant',
        summary:
          'Add a participant: dialled out at once on a running conference, at the start on a scheduled one',
        params: ConferenceParams,
        body: ParticipantRefSchema,
        response: { 201: ParticipantSchema, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const participant = await conferences.addParticipant(
        request.params.conferenceId,
        request.body,
        request.principal,
      );
      return reply.code(201).send(participantView(participant, request.principal));
    },
  );

  app.patch(
    '/conferences/:conferenceId/participants/:participantId',
    {
      serializerCompiler,
      schema: {
        tags,
        operationId: 'updateConferenceParticipant',
        summary: 'Mute or unmute a participant (announced on the leg)',
        params: ParticipantParams,
        body: z.object({ muted: z.boolean() }),
        response: { 200: ParticipantSchema, ...problems(404, 409) },
      },
    },
    async (request) => {
      const { conferenceId, participantId } = request.params;
      return participantView(
        await conferences.setMuted(conferenceId, participantId, request.body.muted, request.principal),
        request.principal,
      );
    },
  );

  app.delete(
    '/conferences/:conferenceId/participants/:participantId',
    {
      serializerCompiler,
      schema: {
        tags,
        operationId: 'kickConferenceParticipant',
        summary:
          'Remove (kick) a participant: the leg hears why and is ended; the participant stays in the history',
        params: ParticipantParams,
        response: { 200: ParticipantSchema, ...problems(404, 409, 422) },
      },
    },
    async (request) => {
      const { conferenceId, participantId } = request.params;
      return participantView(
        await conferences.kick(conferenceId, participantId, request.principal),
        request.principal,
      );
    },
  );

  app.post(
    '/conferences/:conferenceId/actions',
    {
      serializerCompiler,
      schema: {
        tags,
        operationId: 'actOnConference',
        summary:
          'mute_all (all but the host), unmute_all, lock, unlock, end (ending an ended conference changes nothing)',
        params: ConferenceParams,
        body: z.object({ action: z.enum(['mute_all', 'unmute_all', 'lock', 'unlock', 'end']) }),
        response: { 200: ConferenceSchema, ...problems(404, 409) },
      },
    },
    async (request) =>
      conferenceView(
        await conferences.act(request.params.conferenceId, request.body.action, request.principal),
        request.principal,
      ),
  );

  app.get(
    '/conferences/:conferenceId/events',
    {
      schema: {
        tags,
        operationId: 'listConferenceEvents',
        summary: "The conference's event log in order (dialing, joined, left, muted, locked, ended, …)",
        params: ConferenceParams,
        querystring: Pagination,
        response: { 200: listOf(ConferenceEvent), ...problems(404) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return conferences.events(request.params.conferenceId, { limit, cursor }, request.principal);
    },
  );
};

export default routes;
