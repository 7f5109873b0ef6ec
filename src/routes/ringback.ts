import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { AnyNumber, Fen, Id, Instant, MobileNumber, NoContent, problems } from '../http/schemas.js';

/*
 * The schemas check types and shapes only; ranges and domain rules (25:00, weekday 8, unknown
 * tones, an empty audience, dateTo before dateFrom) are the engine's `validateRingbackPolicy`,
 * so that POST and a PATCH merged onto the stored policy are judged alike (see
 * `services/ringback.ts` for which of those are 400 and which 422).
 */

const Tone = z
  .object({
    id: z.string(),
    groupId: z.string(),
    title: z.string(),
    durationSeconds: z.number().int(),
    productionFeeFen: Fen.meta({
      description: 'One-off production fee from the tariff in force at creation',
    }),
    createdAt: z.string(),
  })
  .meta({ id: 'RingbackTone' });

const ToneInput = z.object({
  title: z.string().trim().min(1).max(200),
  durationSeconds: z.number().int().min(1).max(600),
});

const audienceLists = {
  memberIds: z.array(z.string().max(64)).max(10_000).optional(),
  subgroupIds: z.array(z.string().max(64)).max(1_000).optional(),
  departments: z.array(z.string().max(100)).max(1_000).optional(),
};

const AudienceInput = z.object({ all: z.literal(true).optional(), ...audienceLists }).meta({
  description:
    '{all: true} or any of memberIds, subgroupIds, departments; members beat sub-groups/departments beat all',
});

const Audience = z
  .object({
    all: z.boolean().optional(),
    ...audienceLists,
  })
  .meta({
    id: 'RingbackAudience',
    description:
      '{all: true} or any of memberIds, subgroupIds, departments; members beat sub-groups/departments beat all',
  });

const Schedule = z
  .object({
    weekdays: z
      .array(z.number().int())
      .max(7)
      .optional()
      .meta({ description: 'ISO weekdays, 1 = Monday … 7 = Sunday' }),
    start: z.string().max(5).optional().meta({ description: 'HH:MM local, inclusive', example: '09:00' }),
    end: z
      .string()
      .max(5)
      .optional()
      .meta({ description: 'HH:MM local, exclusive; before start runs past midnight', example: '18:00' }),
    dateFrom: z.string().max(10).optional().meta({ description: 'YYYY-MM-DD, inclusive' }),
    dateTo: z.string().max(10).optional().meta({ description: 'YYYY-MM-DD, inclusive' }),
    calendar: z
      .enum(['workdays', 'holidays'])
      .optional()
      .meta({ description: "By the group's calendar rather than the weekday" }),
  })
  .meta({ id: 'RingbackSchedule', description: "In the group's local time; every field given must hold" });

const Playback = z
  .enum(['single', 'loop'])
  .meta({ description: 'single: the first tone; loop: all, in order' });

const Policy = z
  .object({
    id: z.string(),
    groupId: z.string(),
    name: z.string(),
    appliesTo: Audience,
    schedule: Schedule.nullable(),
    toneIds: z.array(z.string()),
    playback: Playback,
    priority: z.number().int(),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'RingbackPolicy' });

const PolicyInput = z.object({
  name: z.string().trim().min(1).max(200),
  appliesTo: AudienceInput,
  schedule: Schedule.nullable().optional(),
  toneIds: z.array(z.string().max(64)).max(50),
  playback: Playback,
  priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  enabled: z.boolean().optional(),
});

const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => DateTime.fromISO(value).isValid, 'is not a calendar date');

const Calendar = z
  .object({ groupId: z.string(), holidays: z.array(z.string()), workdays: z.array(z.string()) })
  .meta({ id: 'GroupCalendar' });

const CalendarInput = z.object({
  holidays: z.array(LocalDate).max(5_000).meta({ description: 'Days off (public holidays), YYYY-MM-DD' }),
  workdays: z.array(LocalDate).max(5_000).meta({ description: 'Make-up working days (调休), YYYY-MM-DD' }),
});

const Explanation = z
  .object({
    local: z.object({
      dateTime: z.string(),
      timezone: z.string(),
      weekday: z.number().int(),
      dayType: z.enum(['workday', 'holiday']),
    }),
    winner: z.object({ policyId: z.string(), reasons: z.array(z.string()) }).nullable(),
    candidates: z.array(
      z.object({
        policyId: z.string(),
        name: z.string(),
        outcome: z.enum(['won', 'lost', 'skipped']),
        code: z.string(),
        audienceMatch: z.enum(['member', 'subgroup', 'department', 'all']).nullable(),
        reason: z.string(),
      }),
    ),
  })
  .meta({ id: 'RingbackExplanation', description: 'Every policy of the group, best-ranked first, with why' });

const Resolution = z
  .object({
    policyId: z.string().nullable(),
    toneIds: z.array(z.string()),
    playback: Playback.nullable(),
    explanation: Explanation,
  })
  .meta({ id: 'RingbackResolution' });

const ResolveQuery = z.object({
  callee: MobileNumber.meta({ description: 'A member of the group, any form' }),
  at: Instant.optional().meta({ description: 'Default: the service clock' }),
  caller: AnyNumber.optional().meta({
    description: "The caller's number (policies do not depend on it yet)",
  }),
});

const GroupParams = z.object({ groupId: Id });
const PolicyParams = GroupParams.extend({ policyId: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  const { ringback, clock } = app.services;
  const tags = ['ringback'];

  app.get(
    '/groups/:groupId/ringback/tones',
    {
      schema: {
        tags,
        operationId: 'listRingbackTones',
        summary: "List the group's ringback tones",
        params: GroupParams,
        response: { 200: z.object({ items: z.array(Tone), nextCursor: z.null() }), ...problems(404) },
      },
    },
    async (request) => ({ items: await ringback.listTones(request.params.groupId), nextCursor: null }),
  );

  app.post(
    '/groups/:groupId/ringback/tones',
    {
      schema: {
        tags,
        operationId: 'createRingbackTone',
        summary: 'Produce a tone (one-off production fee)',
        params: GroupParams,
        body: ToneInput,
        response: { 201: Tone, ...problems(404, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await ringback.createTone(request.params.groupId, request.body)),
  );

  app.get(
    '/groups/:groupId/ringback/policies',
    {
      schema: {
        tags,
        operationId: 'listRingbackPolicies',
        summary: "List the group's ringback policies",
        params: GroupParams,
        response: { 200: z.object({ items: z.array(Policy), nextCursor: z.null() }), ...problems(404) },
      },
    },
    async (request) => ({ items: await ringback.listPolicies(request.params.groupId), nextCursor: null }),
  );

  app.post(
    '/groups/:groupId/ringback/policies',
    {
      schema: {
        tags,
        operationId: 'createRingbackPolicy',
        summary: 'Create a ringback policy',
        params: GroupParams,
        body: PolicyInput,
        response: { 201: Policy, ...problems(404, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await ringback.createPolicy(request.params.groupId, request.body)),
  );

  app.get(
    '/groups/:groupId/ringback/policies/:policyId',
    {
      schema: {
        tags,
        operationId: 'getRingbackPolicy',
        summary: 'Read a ringback policy',
        params: PolicyParams,
        response: { 200: Policy, ...problems(404) },
      },
    },
    async (request) => ringback.getPolicy(request.params.groupId, request.params.policyId),
  );

  app.patch(
    '/groups/:groupId/ringback/policies/:policyId',
    {
      schema: {
        tags,
        operationId: 'updateRingbackPolicy',
        summary: 'Change a policy: the fields given replace the stored ones, then the whole is validated',
        params: PolicyParams,
        body: PolicyInput.partial(),
        response: { 200: Policy, ...problems(404, 422) },
      },
    },
    async (request) => ringback.updatePolicy(request.params.groupId, request.params.policyId, request.body),
  );

  app.delete(
    '/groups/:groupId/ringback/policies/:policyId',
    {
      schema: {
        tags,
        operationId: 'deleteRingbackPolicy',
        summary: 'Delete a ringback policy',
        params: PolicyParams,
        response: { 204: NoContent, ...problems(404) },
      },
    },
    async (request, reply) => {
      ringback.deletePolicy(request.params.groupId, request.params.policyId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/groups/:groupId/ringback/resolve',
    {
      schema: {
        tags,
        operationId: 'resolveRingback',
        summary: 'Which tones a caller of this member hears, and why',
        params: GroupParams,
        querystring: ResolveQuery,
        response: { 200: Resolution, ...problems(404) },
      },
    },
    async (request) =>
      ringback.resolve(request.params.groupId, request.query.callee, request.query.at ?? clock.now()),
  );

  app.get(
    '/groups/:groupId/calendar',
    {
      schema: {
        tags,
        operationId: 'getGroupCalendar',
        summary: "The group's holidays and make-up working days (the national calendar until PUT)",
        params: GroupParams,
        response: { 200: Calendar, ...problems(404) },
      },
    },
    async (request) => ringback.getCalendar(request.params.groupId),
  );

  app.put(
    '/groups/:groupId/calendar',
    {
      schema: {
        tags,
        operationId: 'putGroupCalendar',
        summary: "Replace the group's calendar",
        params: GroupParams,
        body: CalendarInput,
        response: { 200: Calendar, ...problems(404, 422) },
      },
    },
    async (request) => ringback.putCalendar(request.params.groupId, request.body),
  );
};

export default routes;
