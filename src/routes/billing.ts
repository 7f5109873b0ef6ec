import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id, NoContent, problems } from '../http/schemas.js';

const PRODUCTS = ['vpn', 'switchboard', 'ringback', 'conference', 'voice_line'] as const;
const LocalDate = z.iso
  .date()
  .meta({ description: 'Local date in the group zone, YYYY-MM-DD', example: '2026-11-01' });

const Subscription = z
  .object({
    id: z.string(),
    groupId: z.string(),
    product: z.enum(PRODUCTS),
    packageId: z.string().nullable(),
    quantity: z.number().int().nullable(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Subscription' });

const SubscriptionInput = z.object({
  product: z.enum(PRODUCTS),
  packageId: z
    .string()
    .min(1)
    .max(64)
    .nullable()
    .optional()
    .meta({ description: 'Conference package id from the tariff' }),
  quantity: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .nullable()
    .optional()
    .meta({ description: 'Units billed; null: what the group has (its switchboards, its members)' }),
  startDate: LocalDate,
  endDate: LocalDate.nullable().optional().meta({ description: 'Last day billed; null: open-ended' }),
});

const BillLine = z.object({
  kind: z.enum(['recurring', 'one_off', 'usage', 'allowance', 'overage', 'minimum_topup']),
  product: z.string(),
  description: z.string(),
  quantity: z.number().int(),
  unit: z.string(),
  amountFen: z.number().int(),
});

const Bill = z
  .object({ period: z.string(), lines: z.array(BillLine), totalFen: z.number().int() })
  .meta({ id: 'Bill' });

const GroupParams = z.object({ groupId: Id });
const SubscriptionParams = GroupParams.extend({ subscriptionId: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  const billing = app.services.billing;
  const tags = ['billing'];

  app.get(
    '/groups/:groupId/subscriptions',
    {
      schema: {
        tags,
        operationId: 'listSubscriptions',
        summary: "List the group's product subscriptions",
        params: GroupParams,
        response: { 200: z.object({ items: z.array(Subscription) }), ...problems(404) },
      },
    },
    async (request) => ({ items: await billing.listSubscriptions(request.params.groupId) }),
  );

  app.post(
    '/groups/:groupId/subscriptions',
    {
      schema: {
        tags,
        operationId: 'createSubscription',
        summary: 'Subscribe the group to a product from a date: its bills carry the recurring fees',
        params: GroupParams,
        body: SubscriptionInput,
        response: { 201: Subscription, ...problems(404, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await billing.createSubscription(request.params.groupId, request.body)),
  );

  app.patch(
    '/groups/:groupId/subscriptions/:subscriptionId',
    {
      schema: {
        tags,
        operationId: 'updateSubscription',
        summary: 'Change a subscription (end date, quantity)',
        params: SubscriptionParams,
        body: SubscriptionInput.partial(),
        response: { 200: Subscription, ...problems(404, 422) },
      },
    },
    async (request) =>
      billing.updateSubscription(request.params.groupId, request.params.subscriptionId, request.body),
  );

  app.delete(
    '/groups/:groupId/subscriptions/:subscriptionId',
    {
      schema: {
        tags,
        operationId: 'deleteSubscription',
        summary: 'Delete a subscription',
        params: SubscriptionParams,
        response: { 204: NoContent, ...problems(404) },
      },
    },
    async (request, reply) => {
      billing.removeSubscription(request.params.groupId, request.params.subscriptionId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/groups/:groupId/bills/:period',
    {
      schema: {
        tags,
        operationId: 'getBill',
        summary:
          "The group's bill for a month in its time zone: prorated recurring fees, one-off fees, rated usage, package allowance and overage, minimum top-up",
        params: GroupParams.extend({
          period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM'),
        }),
        response: { 200: Bill, ...problems(404, 422) },
      },
    },
    async (request) => billing.bill(request.params.groupId, request.params.period),
  );
};

export default routes;
