import { z } from 'zod';
import { INSTITUTION_TYPES, PROVINCES, VALUE_TIERS } from '../../domain/group-rules.js';
import { CALL_ACTIONS } from '../../engines/calls/types.js';
import { ALIAS_PATTERN, DURATION_PATTERN, STEP_KINDS, type StepKind, TIME_PATTERN } from './patterns.js';
import { checkScenarioReferences } from './references.js';

/**
 * The scenario format (YAML or JSON): a setup of named things and steps with expectations.
 * Everything is referred to by alias (`wang`, `desk`, `call1`), never by generated id; strings
 * may interpolate `{alias}` (its id), `{alias.field}` (a field of what the API answered for it)
 * and `{@+90s}` (a time from the scenario start, as the API writes times).
 *
 * The schema checks shapes and aliases; the service judges the rest (a bad short code is the
 * service's 409, reported by the runner). It has no transforms, so `z.toJSONSchema` publishes
 * it as `scenarios/scenario.schema.json` (`npm run scenario:schema`).
 */

/** The most steps one scenario may hold (the sandbox endpoint relies on it too). */
export const MAX_STEPS = 500;

const quoted = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined
    ? `${what} is required`
    : typeof issue.input === 'number'
      ? `${what} must be a quoted string: YAML reads ${issue.input} as a number (write '${issue.input}')`
      : `${what} must be a string`;

const Alias = z
  .string()
  .regex(
    ALIAS_PATTERN,
    'an alias is a name such as wang, desk or call1 (a letter or _, then letters, digits, _ or -)',
  )
  .meta({ description: 'A name given in the scenario, never a generated id' });

const Digits = (what: string) => z.string({ error: quoted(what) }).min(1);

const Ref = z
  .string({ error: quoted('a party') })
  .min(1)
  .meta({
    description:
      'An alias (a member or person: its number; a switchboard: its pilot; a conference: its access number; a sub-group: its short code) or a number as dialled',
  });

const Time = z
  .string({ error: quoted('a time') })
  .regex(
    TIME_PATTERN,
    'must be an ISO time with offset (2026-11-24T10:00:00+08:00) or an offset from the start (+90s, +1h30m)',
  )
  .meta({ description: 'ISO 8601 with offset, or +duration from the scenario start', example: '+1m30s' });

const IsoTime = z
  .string({ error: quoted('a time') })
  .regex(TIME_PATTERN, 'must be an ISO time with offset, e.g. 2026-11-24T09:00:00+08:00')
  .refine(
    (value) => !value.startsWith('+'),
    'must be an ISO time with offset, e.g. 2026-11-24T09:00:00+08:00',
  );

const Duration = z
  .union([
    z.number().min(0).meta({ description: 'seconds' }),
    z.string().regex(DURATION_PATTERN, 'must be a duration such as 90s, 5m or 1h30m'),
  ])
  .meta({ description: 'Seconds, or a duration such as 90s, 5m, 1h30m, 1d' });

const Expectation = z.unknown().meta({
  description:
    'A partial match of the answer: objects by their listed fields, arrays as an ordered subsequence, plus operators $exact, $unordered, $length, $first, $last, $absent, $exists, $regex, $includes, $gt, $gte, $lt, $lte, $oneOf, $not. $regex takes an RE2 pattern (no backreferences, no lookaround; flags inline such as (?i))',
});

// ---- setup --------------------------------------------------------------------------------

const Member = z.strictObject({
  msisdn: Digits('msisdn'),
  name: z.string().min(1),
  department: z.string().optional(),
  title: z.string().optional(),
  homeProvince: z.enum(PROVINCES).optional(),
  status: z.enum(['active', 'suspended']).optional(),
  shortCode: Digits('shortCode').optional().meta({ description: 'Given once the member exists (PATCH)' }),
});

const Subgroup = z.strictObject({
  name: z.string().min(1),
  shortCode: Digits('shortCode').optional(),
  onnetRateFenPerMinute: z.number().int().optional(),
  members: z.array(Alias).optional().meta({ description: 'Member aliases' }),
});

export interface MenuSpec {
  prompt: string;
  maxRetries?: number | undefined;
  options: Record<string, MenuOptionSpec>;
}
export interface MenuOptionSpec {
  action: 'operator' | 'extension' | 'member' | 'submenu';
  extension?: string | undefined;
  member?: string | undefined;
  menu?: MenuSpec | undefined;
}

const Menu: z.ZodType<MenuSpec> = z
  .lazy(() =>
    z.strictObject({
      prompt: z.string().min(1),
      maxRetries: z.number().int().optional(),
      options: z.record(
        z.string(),
        z.strictObject({
          action: z.enum(['operator', 'extension', 'member', 'submenu']),
          extension: Digits('extension').optional(),
          member: Alias.optional().meta({ description: 'With action member: a member alias' }),
          menu: Menu.optional(),
        }),
      ),
    }),
  )
  .meta({ id: 'ScenarioMenu', description: 'A voice menu; an option of action member names a member alias' });

const Switchboard = z.strictObject({
  pilotNumber: Digits('pilotNumber'),
  greeting: z.string().min(1),
  afterHoursGreeting: z.string().optional(),
  businessHours: z
    .strictObject({ weekdays: z.array(z.number().int()), start: z.string(), end: z.string() })
    .optional(),
  menu: Menu,
  outboundPrefix: Digits('outboundPrefix').optional(),
  fallback: z.enum(['operator', 'hangup']).optional(),
  extensions: z.record(z.string(), Alias).optional().meta({ description: 'extension → member alias' }),
  operators: z
    .record(Alias, z.enum(['available', 'busy', 'offline']))
    .optional()
    .meta({ description: 'member alias → status' }),
});

const Policy = z.strictObject({
  name: z.string().min(1),
  appliesTo: z.strictObject({
    all: z.literal(true).optional(),
    members: z.array(Alias).optional(),
    subgroups: z.array(Alias).optional(),
    departments: z.array(z.string()).optional(),
  }),
  schedule: z.record(z.string(), z.unknown()).optional().meta({ description: 'As the API takes it' }),
  tones: z.array(Alias).meta({ description: 'Tone aliases' }),
  playback: z.enum(['single', 'loop']).optional().meta({ description: 'Default single' }),
  priority: z.number().int().optional(),
  enabled: z.boolean().optional(),
});

const Group = z.strictObject({
  name: z.string().min(1),
  institutionType: z.enum(INSTITUTION_TYPES).optional().meta({ description: 'Default enterprise' }),
  valueTier: z.enum(VALUE_TIERS).optional().meta({ description: 'Default A1' }),
  province: z.enum(PROVINCES).optional().meta({ description: 'Default CN-HE' }),
  city: z.string().optional(),
  timezone: z.string().optional(),
  calendar: z.strictObject({ holidays: z.array(z.string()), workdays: z.array(z.string()) }).optional(),
  vpn: z
    .strictObject({
      shortCodeLength: z.strictObject({ min: z.number().int(), max: z.number().int() }).optional(),
      crossProvince: z.boolean().optional(),
      showShortCode: z.boolean().optional(),
      onnetRateFenPerMinute: z.number().int().optional(),
    })
    .optional(),
  members: z.record(Alias, Member).optional(),
  subgroups: z.record(Alias, Subgroup).optional(),
  ringback: z
    .strictObject({
      tones: z
        .record(Alias, z.strictObject({ title: z.string().min(1), durationSeconds: z.number().int() }))
        .optional(),
      policies: z.record(Alias, Policy).optional(),
    })
    .optional(),
  switchboards: z.record(Alias, Switchboard).optional(),
});

const Behaviour = z.strictObject({
  behaviour: z.enum(['manual', 'answer', 'busy', 'no_answer', 'reject']),
  afterSeconds: z.number().int().min(0).optional(),
});

const Conference = z.strictObject({
  host: Ref,
  group: Alias.optional().meta({ description: "Default: the host's group" }),
  title: z.string().optional(),
  startAt: Time.optional().meta({ description: 'Scheduled: starts when the clock reaches it' }),
  durationMinutes: z.number().int().optional(),
  maxParticipants: z.number().int().optional(),
  pin: Digits('pin')
    .optional()
    .meta({ description: 'Better left out against a shared service: read {conf.pin}' }),
  endWhenHostLeaves: z.boolean().optional(),
  participants: z
    .array(Ref)
    .optional()
    .meta({ description: 'Member aliases (by member id), people or numbers' }),
});

const Setup = z.strictObject({
  groups: z.record(Alias, Group).optional(),
  people: z
    .record(Alias, Digits('a number'))
    .optional()
    .meta({ description: 'Outside subscribers (no group): alias → number' }),
  subscribers: z.record(z.string(), Behaviour).optional().meta({
    description: 'Simulated subscriber behaviours: a member or person alias (or a number) → behaviour',
  }),
  conferences: z.record(Alias, Conference).optional(),
});

// ---- steps --------------------------------------------------------------------------------

const CallStep = z.strictObject({
  from: Ref,
  to: Ref,
  at: Time.optional(),
  location: z.strictObject({ province: z.string().optional(), cellId: z.string().optional() }).optional(),
});

const ActStep = z.strictObject({
  call: Alias.optional().meta({ description: 'A call alias (from a step with `as`)' }),
  conference: Alias.optional().meta({ description: "With participant: act on that participant's leg" }),
  participant: Ref.optional(),
  action: z.enum(CALL_ACTIONS),
  digits: z.string({ error: quoted('digits') }).optional(),
  target: z
    .strictObject({ extension: Digits('extension').optional(), member: Alias.optional() })
    .optional()
    .meta({ description: 'transfer: {extension} or {member: alias}' }),
  at: Time.optional(),
});

const Step = z
  .strictObject({
    name: z.string().optional().meta({ description: 'Shown in reports; default: a summary of the step' }),
    as: Alias.optional().meta({ description: 'Names what the step created (a call, conference, message…)' }),
    status: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Expected HTTP status; default the success status' }),
    expect: Expectation.optional(),
    call: CallStep.optional().meta({ description: 'POST /v1/calls' }),
    act: ActStep.optional().meta({ description: 'POST /v1/calls/{id}/actions' }),
    clock: z
      .strictObject({ advance: Duration.optional(), to: Time.optional() })
      .optional()
      .meta({ description: 'Moves the simulated clock (the target needs CLOCK=simulated)' }),
    sms: z.strictObject({ from: Ref, to: Ref, text: z.string().min(1), at: Time.optional() }).optional(),
    route: z
      .strictObject({
        from: Ref,
        to: Ref,
        service: z.enum(['voice', 'sms']).optional(),
        at: Time.optional(),
        location: z
          .strictObject({ province: z.string().optional(), cellId: z.string().optional() })
          .optional(),
      })
      .optional()
      .meta({ description: 'POST /v1/route' }),
    messages: z
      .strictObject({ to: Ref.optional(), from: Ref.optional() })
      .optional()
      .meta({ description: 'GET /v1/messages; expect matches the list of messages, newest first' }),
    cdr: Alias.optional().meta({ description: "A call alias: expect matches that call's CDR" }),
    conference: Conference.optional().meta({ description: 'POST /v1/conferences' }),
    conferenceAction: z
      .strictObject({
        conference: Alias,
        action: z.enum(['mute_all', 'unmute_all', 'lock', 'unlock', 'end']),
      })
      .optional(),
    subscriber: z
      .strictObject({ who: Ref, ...Behaviour.shape })
      .optional()
      .meta({ description: 'PUT /v1/sim/subscribers/{msisdn}' }),
    get: z
      .string()
      .regex(/^\//, 'a path starting with /v1/…')
      .optional()
      .meta({ description: 'A GET path, e.g. /v1/switchboards/{desk}/queue' }),
    request: z
      .strictObject({
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
        path: z.string().regex(/^\//, 'a path starting with /v1/…'),
        body: z.unknown().optional(),
      })
      .optional(),
  })
  .meta({
    id: 'ScenarioStep',
    description:
      'Exactly one of call, act, clock, sms, route, messages, cdr, conference, conferenceAction, subscriber, get, request',
    oneOf: STEP_KINDS.map((kind) => ({ required: [kind] })),
  });

export const ScenarioShape = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  clock: z
    .strictObject({
      start: IsoTime.optional().meta({
        description: 'Where the simulated clock starts (in-process default 2026-11-24T09:00:00+08:00)',
      }),
    })
    .optional(),
  setup: Setup.optional(),
  steps: z.array(Step).min(1).max(MAX_STEPS),
});

export const ScenarioSchema = ScenarioShape.superRefine(checkScenarioReferences).meta({
  id: 'Scenario',
  title: 'Scenario',
  description: 'A QA scenario for the group telecom simulator: setup by alias, steps with expectations',
});

export type Scenario = z.output<typeof ScenarioShape>;
export type ScenarioSetup = NonNullable<Scenario['setup']>;
export type GroupSpec = z.output<typeof Group>;
export type ConferenceSpec = z.output<typeof Conference>;
export type StepSpec = z.output<typeof Step>;
export type { StepKind };
export { STEP_KINDS };
export type ActSpec = z.output<typeof ActStep>;

/** The kind of a step: its one action key (the schema guarantees exactly one). */
export function stepKind(step: StepSpec): StepKind {
  return STEP_KINDS.find((kind) => step[kind] !== undefined)!;
}
