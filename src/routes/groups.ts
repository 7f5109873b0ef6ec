import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Id,
  InstitutionType,
  listOf,
  NoContent,
  Pagination,
  Province,
  problems,
  ValueTier,
} from '../http/schemas.js';

export const Group = z
  .object({
    id: z.string(),
    name: z.string(),
    institutionType: InstitutionType,
    valueTier: ValueTier,
    province: Province,
    city: z.string().nullable(),
    timezone: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Group' });

const GroupInput = z.object({
  name: z.string().trim().min(1).max(200),
  institutionType: InstitutionType,
  valueTier: ValueTier.meta({ description: 'Tier D is exactly individual_business and cluster (else 422)' }),
  province: Province,
  city: z.string().max(100).nullable().optional(),
  timezone: z.string().max(64).optional().meta({ description: 'IANA zone, default Asia/Shanghai' }),
});

const GroupParams = z.object({ groupId: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  const groups = app.services.groups;

  app.post(
    '/groups',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['groups'],
        operationId: 'createGroup',
        summary: 'Create a group customer (admin)',
        body: GroupInput,
        response: { 201: Group, ...problems(403, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await groups.create(request.body)),
  );

  app.get(
    '/groups',
    {
      schema: {
        tags: ['groups'],
        operationId: 'listGroups',
        summary: 'List the group customers the key can see',
        querystring: Pagination,
        response: { 200: listOf(Group), ...problems() },
      },
    },
    async (request) => {
      const principal = request.principal;
      return groups.list(request.query, principal.kind === 'partner' ? principal.groupIds : null);
    },
  );

  app.get(
    '/groups/:groupId',
    {
      schema: {
        tags: ['groups'],
        operationId: 'getGroup',
        summary: 'Read a group customer',
        params: GroupParams,
        response: { 200: Group, ...problems(404) },
      },
    },
    async (request) => groups.get(request.params.groupId),
  );

  app.patch(
    '/groups/:groupId',
    {
      schema: {
        tags: ['groups'],
        operationId: 'updateGroup',
        summary: 'Change a group customer',
        params: GroupParams,
        body: GroupInput.partial(),
        response: { 200: Group, ...problems(404, 422) },
      },
    },
    async (request) => groups.update(request.params.groupId, request.body),
  );

  app.delete(
    '/groups/:groupId',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['groups'],
        operationId: 'deleteGroup',
        summary: 'Delete a group customer without members (admin)',
        params: GroupParams,
        response: { 204: NoContent, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await groups.remove(request.params.groupId);
      return reply.code(204).send(null);
    },
  );
};

export default routes;
