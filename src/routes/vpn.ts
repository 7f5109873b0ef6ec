import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Fen, Id, NoContent, problems } from '../http/schemas.js';

const Vpn = z
  .object({
    groupId: z.string(),
    shortCodeLength: z.object({ min: z.number().int(), max: z.number().int() }),
    crossProvince: z.boolean(),
    showShortCode: z.boolean(),
    onnetRateFenPerMinute: z.number().int().nullable(),
  })
  .meta({ id: 'Vpn' });

const VpnInput = z.object({
  shortCodeLength: z
    .object({ min: z.number().int().min(2).max(8), max: z.number().int().min(2).max(8) })
    .default({ min: 3, max: 6 }),
  crossProvince: z.boolean().default(false),
  showShortCode: z.boolean().default(true),
  onnetRateFenPerMinute: Fen.nullable()
    .optional()
    .meta({ description: "Default on-net rate; null: the tariff's" }),
});

const Subgroup = z
  .object({
    id: z.string(),
    groupId: z.string(),
    name: z.string(),
    shortCode: z.string().nullable(),
    onnetRateFenPerMinute: z.number().int().nullable(),
    memberIds: z.array(z.string()),
    createdAt: z.string(),
  })
  .meta({ id: 'Subgroup' });

const SubgroupInput = z.object({
  name: z.string().trim().min(1).max(100),
  shortCode: z.string().max(20).nullable().optional(),
  onnetRateFenPerMinute: Fen.nullable().optional(),
});

const GroupParams = z.object({ groupId: Id });
const SubgroupParams = GroupParams.extend({ subgroupId: Id });
const LinkParams = SubgroupParams.extend({ memberId: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  const vpn = app.services.vpn;
  const tags = ['vpn'];

  app.get(
    '/groups/:groupId/vpn',
    {
      schema: {
        tags,
        operationId: 'getVpn',
        summary: "Read the group's VPN settings",
        params: GroupParams,
        response: { 200: Vpn, ...problems(404) },
      },
    },
    async (request) => vpn.get(request.params.groupId),
  );

  app.put(
    '/groups/:groupId/vpn',
    {
      schema: {
        tags,
        operationId: 'putVpn',
        summary: 'Subscribe the group to the VPN or change its settings',
        params: GroupParams,
        body: VpnInput,
        response: { 200: Vpn, 201: Vpn, ...problems(404, 422) },
      },
    },
    async (request, reply) => {
      const { created, vpn: settings } = await vpn.put(request.params.groupId, request.body);
      return reply.code(created ? 201 : 200).send(settings);
    },
  );

  app.get(
    '/groups/:groupId/subgroups',
    {
      schema: {
        tags,
        operationId: 'listSubgroups',
        summary: "List the group's sub-groups",
        params: GroupParams,
        response: { 200: z.object({ items: z.array(Subgroup), nextCursor: z.null() }), ...problems(404) },
      },
    },
    async (request) => ({ items: await vpn.listSubgroups(request.params.groupId), nextCursor: null }),
  );

  app.post(
    '/groups/:groupId/subgroups',
    {
      schema: {
        tags,
        operationId: 'createSubgroup',
        summary: 'Create a sub-group with its own short code',
        params: GroupParams,
        body: SubgroupInput,
        response: { 201: Subgroup, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await vpn.createSubgroup(request.params.groupId, request.body)),
  );

  app.get(
    '/groups/:groupId/subgroups/:subgroupId',
    {
      schema: {
        tags,
        operationId: 'getSubgroup',
        summary: 'Read a sub-group',
        params: SubgroupParams,
        response: { 200: Subgroup, ...problems(404) },
      },
    },
    async (request) => vpn.getSubgroup(request.params.groupId, request.params.subgroupId),
  );

  app.patch(
    '/groups/:groupId/subgroups/:subgroupId',
    {
      schema: {
        tags,
        operationId: 'updateSubgroup',
        summary: 'Change a sub-group',
        params: SubgroupParams,
        body: SubgroupInput.partial(),
        response: { 200: Subgroup, ...problems(404, 409, 422) },
      },
    },
    async (request) => vpn.updateSubgroup(request.params.groupId, request.params.subgroupId, request.body),
  );

  app.delete(
    '/groups/:groupId/subgroups/:subgroupId',
    {
      schema: {
        tags,
        operationId: 'deleteSubgroup',
        summary: 'Delete a sub-group',
        params: SubgroupParams,
        response: { 204: NoContent, ...problems(404) },
      },
    },
    async (request, reply) => {
      await vpn.deleteSubgroup(request.params.groupId, request.params.subgroupId);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/groups/:groupId/subgroups/:subgroupId/members/:memberId',
    {
      schema: {
        tags,
        operationId: 'addSubgroupMember',
        summary: 'Put a member in a sub-group (灵活组网)',
        params: LinkParams,
        response: { 200: Subgroup, ...problems(404) },
      },
    },
    async (request) => vpn.join(request.params.groupId, request.params.subgroupId, request.params.memberId),
  );

  app.delete(
    '/groups/:groupId/subgroups/:subgroupId/members/:memberId',
    {
      schema: {
        tags,
        operationId: 'removeSubgroupMember',
        summary: 'Take a member out of a sub-group',
        params: LinkParams,
        response: { 200: Subgroup, ...problems(404) },
      },
    },
    async (request) => vpn.leave(request.params.groupId, request.params.subgroupId, request.params.memberId),
  );
};

export default routes;
