import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Menu } from '../engines/switchboard/types.js';
import {
  CLOCK_TIME_PATTERN,
  EXTENSION_PATTERN,
  MAX_MENU_RETRIES,
  MAX_PROMPT_LENGTH,
  MAX_SUBMENU_DEPTH,
  MENU_KEY_PATTERN,
  OUTBOUND_PREFIX_PATTERN,
} from '../engines/switchboard/validate.js';
import {
  AnyNumber,
  Id,
  listOf,
  NoContent,
  PageLimit,
  Pagination,
  problems,
  SearchText,
} from '../http/schemas.js';

/*
 * The schemas check shapes and ranges (400); the rules a well-formed body can still break
 * (a menu naming a member outside the group, business hours whose window is empty) are the
 * engine's `validateSwitchboard`, answered with 422 by the service.
 */

const Extension = z
  .string()
  .regex(EXTENSION_PATTERN, 'an extension is 2–8 digits not starting with 0 (0 is the operator key)')
  .meta({ description: 'An extension (分机): 2–8 digits, not starting with 0', example: '8001' });

const Text = z.string().trim().min(1).max(MAX_PROMPT_LENGTH);

const OperatorStatus = z.enum(['available', 'busy', 'offline']);
const Fallback = z
  .enum(['operator', 'hangup'])
  .meta({ description: 'What follows busy, no answer or reject at an extension; default operator' });

/**
 * A menu as input. Built level by level rather than recursively, so that the depth limit is part
 * of the shape and no nesting of input can run the validator deep.
 */
function menuInput(depth: number): z.ZodType<Menu> {
  const submenu =
    depth < MAX_SUBMENU_DEPTH
      ? menuInput(depth + 1)
      : z.never({ error: `submenus nest at most ${MAX_SUBMENU_DEPTH} levels below the root menu` });
  const option = z.discriminatedUnion('action', [
    z.object({ action: z.literal('operator') }),
    z.object({ action: z.literal('extension'), extension: Extension }),
    z.object({ action: z.literal('member'), memberId: Id }),
    z.object({ action: z.literal('submenu'), menu: submenu }),
  ]);
  return z.object({
    prompt: Text.meta({ description: 'The text played' }),
    options: z
      .record(z.string().regex(MENU_KEY_PATTERN, 'a key is one of 0–9, * or #'), option)
      .meta({ description: 'Keyed by a single key 0–9, * or #' }),
    maxRetries: z
      .number()
      .int()
      .min(0)
      .max(MAX_MENU_RETRIES)
      .optional()
      .meta({ description: 'Replays after invalid input or a timeout before the operator desk; default 2' }),
  }) as unknown as z.ZodType<Menu>;
}

const MenuInput = menuInput(0);

const MenuOption = z.discriminatedUnion('action', [
  z.object({ action: z.literal('operator') }),
  z.object({ action: z.literal('extension'), extension: z.string() }),
  z.object({ action: z.literal('member'), memberId: z.string() }),
  z.object({
    action: z.literal('submenu'),
    get menu() {
      return SwitchboardMenu;
    },
  }),
]);

const SwitchboardMenu: z.ZodType<Menu> = z
  .object({
    prompt: z.string(),
    options: z.record(z.string(), MenuOption),
    maxRetries: z.number().int().optional(),
  })
  .meta({ id: 'SwitchboardMenu', description: 'A voice menu (语音菜单)' });

const ClockTime = z.string().regex(CLOCK_TIME_PATTERN, 'must be a time HH:MM, e.g. 08:30');

const BusinessHoursInput = z.object({
  weekdays: z
    .array(z.number().int().min(1).max(7))
    .min(1)
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'weekdays must not repeat')
    .meta({ description: 'ISO weekdays, 1 Monday … 7 Sunday' }),
  start: ClockTime.meta({ example: '08:30' }),
  end: ClockTime.meta({ description: 'Before start: the window runs past midnight', example: '17:30' }),
});

const BusinessHours = z
  .object({ weekdays: z.array(z.number().int()), start: z.string(), end: z.string() })
  .meta({ id: 'SwitchboardBusinessHours', description: "In the group's time zone" });

const Switchboard = z
  .object({
    id: z.string(),
    groupId: z.string(),
    pilotNumber: z.string().meta({ description: 'E.164 pilot number (总机号码)' }),
    greeting: z.string(),
    afterHoursGreeting: z.string().nullable(),
    businessHours: BusinessHours.nullable(),
    menu: SwitchboardMenu,
    outboundPrefix: z.string().nullable(),
    fallback: Fallback,
    extensions: z.array(z.object({ extension: z.string(), memberId: z.string() })),
    operators: z.array(z.object({ memberId: z.string(), name: z.string(), status: OperatorStatus })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Switchboard', description: '移动总机: a hosted switchboard' });

const SwitchboardInput = z.object({
  pilotNumber: AnyNumber.meta({
    description: 'Any valid number (landline pilots too), unique across the service; answered in E.164',
    example: '+863118800000',
  }),
  greeting: Text.meta({ description: 'The welcome greeting, as the text played' }),
  afterHoursGreeting: Text.nullable().optional().meta({ description: 'Played outside business hours' }),
  businessHours: BusinessHoursInput.nullable()
    .optional()
    .meta({ description: 'Absent or null: always open' }),
  menu: MenuInput,
  outboundPrefix: z
    .string()
    .regex(OUTBOUND_PREFIX_PATTERN, 'must be 1–4 of 0–9, * or #')
    .nullable()
    .optional()
    .meta({ description: 'Dialled by an extension member before an outside number; null: no outbound' }),
  fallback: Fallback.optional(),
});

const SwitchboardPatch = SwitchboardInput.partial();

const ExtensionView = z
  .object({ switchboardId: z.string(), extension: z.string(), memberId: z.string() })
  .meta({ id: 'SwitchboardExtension' });

const Operator = z
  .object({
    switchboardId: z.string(),
    memberId: z.string(),
    name: z.string(),
    status: OperatorStatus,
    updatedAt: z.string(),
  })
  .meta({ id: 'SwitchboardOperator', description: 'A member at the operator desk (人工话务台)' });

const DirectoryHit = z
  .object({
    memberId: z.string(),
    name: z.string(),
    department: z.string().nullable(),
    msisdn: z.string(),
    shortCode: z.string().nullable(),
    extensions: z.array(z.string()),
    status: z.enum(['active', 'suspended']),
    operatorStatus: OperatorStatus.nullable().meta({
      description: 'At the operator desk; null: not an operator',
    }),
    matchedBy: z
      .enum(['name', 'pinyin', 'initials', 'department', 'extension', 'msisdn'])
      .nullable()
      .meta({ description: 'What matched; null when q is empty (everyone is listed)' }),
    rank: z.number().int().meta({
      description:
        'Tier, 1 best: name, pinyin, initials exact; name, pinyin, initials prefix; name, pinyin contains; department exact, contains; extension exact, number exact; extension prefix; number contains. 0 without q',
    }),
  })
  .meta({ id: 'DirectoryEntry' });

const DirectoryQuery = z.object({
  q: SearchText.optional().meta({
    description:
      'Hanzi, full pinyin (zhanglan, zhang lan), initials (zl), department, extension or number; without q, everyone in directory order',
  }),
  limit: PageLimit,
});

const GroupParams = z.object({ groupId: Id });
const SwitchboardParams = z.object({ switchboardId: Id });
const ExtensionParams = SwitchboardParams.extend({ extension: Extension });
const OperatorParams = SwitchboardParams.extend({ memberId: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  const switchboards = app.services.switchboards;
  const tags = ['switchboard'];
  // Routes under /switchboards/:switchboardId are scoped by the switchboard's group.
  const config = {
    groupOf: (request: FastifyRequest) =>
      switchboards.groupOf((request.params as { switchboardId: string }).switchboardId),
  };

  app.post(
    '/groups/:groupId/switchboards',
    {
      schema: {
        tags,
        operationId: 'createSwitchboard',
        summary: 'Set up a switchboard (移动总机) at a pilot number',
        params: GroupParams,
        body: SwitchboardInput,
        response: { 201: Switchboard, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await switchboards.create(request.params.groupId, request.body)),
  );

  app.get(
    '/groups/:groupId/switchboards',
    {
      schema: {
        tags,
        operationId: 'listSwitchboards',
        summary: "List the group's switchboards",
        params: GroupParams,
        querystring: Pagination,
        response: { 200: listOf(Switchboard), ...problems(404) },
      },
    },
    async (request) => switchboards.list(request.params.groupId, request.query),
  );

  app.get(
    '/switchboards/:switchboardId',
    {
      config,
      schema: {
        tags,
        operationId: 'getSwitchboard',
        summary: 'Read a switchboard',
        params: SwitchboardParams,
        response: { 200: Switchboard, ...problems(404) },
      },
    },
    async (request) => switchboards.get(request.params.switchboardId),
  );

  app.patch(
    '/switchboards/:switchboardId',
    {
      config,
      schema: {
        tags,
        operationId: 'updateSwitchboard',
        summary:
          'Change part of the configuration; afterHoursGreeting, businessHours, outboundPrefix take null',
        params: SwitchboardParams,
        body: SwitchboardPatch,
        response: { 200: Switchboard, ...problems(404, 409, 422) },
      },
    },
    async (request) => switchboards.update(request.params.switchboardId, request.body),
  );

  app.delete(
    '/switchboards/:switchboardId',
    {
      config,
      schema: {
        tags,
        operationId: 'deleteSwitchboard',
        summary: 'Delete a switchboard with its extensions and operators; 409 while calls are in progress',
        params: SwitchboardParams,
        response: { 204: NoContent, ...problems(404, 409) },
      },
    },
    async (request, reply) => {
      switchboards.remove(request.params.switchboardId);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/switchboards/:switchboardId/extensions/:extension',
    {
      config,
      schema: {
        tags,
        operationId: 'putSwitchboardExtension',
        summary: 'Give an extension (分机) to a member of the group: 201 new, 200 replaced',
        params: ExtensionParams,
        body: z.object({ memberId: Id }),
        response: { 200: ExtensionView, 201: ExtensionView, ...problems(404, 422) },
      },
    },
    async (request, reply) => {
      const { switchboardId, extension } = request.params;
      const put = switchboards.putExtension(switchboardId, extension, request.body.memberId);
      return reply.code(put.created ? 201 : 200).send(put.extension);
    },
  );

  app.delete(
    '/switchboards/:switchboardId/extensions/:extension',
    {
      config,
      schema: {
        tags,
        operationId: 'deleteSwitchboardExtension',
        summary: 'Free an extension',
        params: ExtensionParams,
        response: { 204: NoContent, ...problems(404) },
      },
    },
    async (request, reply) => {
      switchboards.removeExtension(request.params.switchboardId, request.params.extension);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/switchboards/:switchboardId/operators/:memberId',
    {
      config,
      schema: {
        tags,
        operationId: 'putSwitchboardOperator',
        summary: 'Seat a member at the operator desk (人工话务台) or set their status: 201 new, 200 updated',
        params: OperatorParams,
        body: z.object({ status: OperatorStatus }),
        response: { 200: Operator, 201: Operator, ...problems(404, 422) },
      },
    },
    async (request, reply) => {
      const { switchboardId, memberId } = request.params;
      const put = switchboards.putOperator(switchboardId, memberId, request.body.status);
      return reply.code(put.created ? 201 : 200).send(put.operator);
    },
  );

  app.delete(
    '/switchboards/:switchboardId/operators/:memberId',
    {
      config,
      schema: {
        tags,
        operationId: 'deleteSwitchboardOperator',
        summary: 'Remove an operator from the desk',
        params: OperatorParams,
        response: { 204: NoContent, ...problems(404) },
      },
    },
    async (request, reply) => {
      switchboards.removeOperator(request.params.switchboardId, request.params.memberId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/switchboards/:switchboardId/directory',
    {
      config,
      schema: {
        tags,
        operationId: 'searchSwitchboardDirectory',
        summary: "Search the group's members by hanzi, pinyin, initials, department, extension or number",
        params: SwitchboardParams,
        querystring: DirectoryQuery,
        response: { 200: z.object({ items: z.array(DirectoryHit) }), ...problems(404) },
      },
    },
    async (request) => ({
      items: switchboards.searchDirectory(
        request.params.switchboardId,
        request.query.q ?? '',
        request.query.limit,
      ),
    }),
  );
};

export default routes;
