import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Id,
  listOf,
  MobileNumber,
  NoContent,
  Pagination,
  Province,
  problems,
  SearchText,
} from '../http/schemas.js';

export const Member = z
  .object({
    id: z.string(),
    groupId: z.string(),
    msisdn: z.string().meta({ description: 'E.164' }),
    name: z.string(),
    department: z.string().nullable(),
    title: z.string().nullable(),
    homeProvince: z.string(),
    status: z.enum(['active', 'suspended']),
    shortCode: z.string().nullable(),
    subgroupIds: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Member' });

const MemberInput = z.object({
  msisdn: MobileNumber,
  name: z.string().trim().min(1).max(100),
  department: z.string().trim().max(100).nullable().optional(),
  title: z.string().trim().max(100).nullable().optional(),
  homeProvince: Province.optional().meta({ description: "Defaults to the group's province" }),
  status: z.enum(['active', 'suspended']).optional(),
});

const MemberPatch = MemberInput.partial().extend({
  shortCode: z
    .string()
    .max(20)
    .nullable()
    .optional()
    .meta({ description: 'A short code in the VPN plan, or null to free it' }),
});

const GroupParams = z.object({ groupId: Id });
const MemberParams = z.object({ groupId: Id, memberId: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  const members = app.services.members;

  app.post(
    '/groups/:groupId/members',
    {
      schema: {
        tags: ['members'],
        operationId: 'createMember',
        summary: 'Add a member to the group',
        params: GroupParams,
        body: MemberInput,
        response: { 201: Member, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await members.create(request.params.groupId, request.body)),
  );

  app.get(
    '/groups/:groupId/members',
    {
      schema: {
        tags: ['members'],
        operationId: 'listMembers',
        summary: 'List or search members: q matches hanzi, full pinyin, initials, short code or number',
        params: GroupParams,
        querystring: Pagination.extend({
          q: SearchText.optional(),
          department: z.string().max(100).optional(),
        }),
        response: { 200: listOf(Member), ...problems(404) },
      },
    },
    async (request) => {
      const { q, department, ...page } = request.query;
      return members.list(request.params.groupId, { q, department }, page);
    },
  );

  app.get(
    '/groups/:groupId/members/:memberId',
    {
      schema: {
        tags: ['members'],
        operationId: 'getMember',
        summary: 'Read a member',
        params: MemberParams,
        response: { 200: Member, ...problems(404) },
      },
    },
    async (request) => members.get(request.params.groupId, request.params.memberId),
  );

  app.patch(
    '/groups/:groupId/members/:memberId',
    {
      schema: {
        tags: ['members'],
        operationId: 'updateMember',
        summary: 'Change a member (also `shortCode`, or `null` to free it)',
        params: MemberParams,
        body: MemberPatch,
        response: { 200: Member, ...problems(404, 409, 422) },
      },
    },
    async (request) => members.update(request.params.groupId, request.params.memberId, request.body),
  );

  app.delete(
    '/groups/:groupId/members/:memberId',
    {
      schema: {
        tags: ['members'],
        operationId: 'deleteMember',
        summary: "Delete a member; a 409 while a switchboard menu's key sends callers to them",
        params: MemberParams,
        response: { 204: NoContent, ...problems(404, 409) },
      },
    },
    async (request, reply) => {
      await members.remove(request.params.groupId, request.params.memberId);
      return reply.code(204).send(null);
    },
  );
};

export default routes;
