import { ScenarioRunError } from './aliases.js';
import { enc, type RunContext } from './context.js';
import type { ActSpec, ConferenceSpec, StepKind, StepSpec } from './schema.js';
import { durationSeconds } from './time.js';
import type { TransportResponse } from './transport.js';

/**
 * One step against the API: the request it makes, the answer its expectation is matched
 * against, the statuses that count as success by default, and the call it concerns (whose event
 * log a failure shows).
 */
export interface StepResult {
  response: TransportResponse;
  /** The statuses that pass when the step names none. */
  success: number[];
  /** What `expect` is matched against (the response body unless the step says otherwise). */
  actual: unknown;
  callId?: string;
}

const result = (response: TransportResponse, success: number[], callId?: string): StepResult => ({
  response,
  success,
  actual: response.body,
  ...(callId === undefined ? {} : { callId }),
});

const OK = [200];
const CREATED = [201];
const ANY_2XX = [200, 201, 202, 204];

export async function executeStep(ctx: RunContext, step: StepSpec, kind: StepKind): Promise<StepResult> {
  const { aliases, clock } = ctx;
  const at = (time: string | undefined) => (time === undefined ? {} : { at: clock.iso(time) });

  switch (kind) {
    case 'call': {
      const c = step.call!;
      const res = await ctx.api('POST', '/v1/calls', {
        from: aliases.dial(c.from),
        to: aliases.dial(c.to),
        ...at(c.at),
        ...(c.location === undefined ? {} : { location: c.location }),
      });
      return result(res, CREATED, idOf(res.body));
    }
    case 'act': {
      const act = step.act!;
      const callId = await legOf(ctx, act);
      const res = await ctx.api('POST', `/v1/calls/${enc(callId)}/actions`, actionBody(ctx, act));
      return result(res, OK, callId);
    }
    case 'clock': {
      const c = step.clock!;
      const body =
        c.advance !== undefined ? { advanceSeconds: durationSeconds(c.advance) } : { now: clock.iso(c.to!) };
      return result(await ctx.api('POST', '/v1/sim/clock', body), OK);
    }
    case 'sms': {
      const s = step.sms!;
      const res = await ctx.api('POST', '/v1/messages', {
        from: aliases.dial(s.from),
        to: aliases.dial(s.to),
        text: String(aliases.interpolate(s.text)),
        ...at(s.at),
      });
      return result(res, CREATED);
    }
    case 'route': {
      const r = step.route!;
      const res = await ctx.api('POST', '/v1/route', {
        from: aliases.dial(r.from),
        to: aliases.dial(r.to),
        ...(r.service === undefined ? {} : { service: r.service }),
        ...at(r.at),
        ...(r.location === undefined ? {} : { location: r.location }),
      });
      return result(res, OK);
    }
    case 'messages': {
      const m = step.messages!;
      const query = [
        ...(m.to === undefined ? [] : [`to=${enc(aliases.dial(m.to))}`]),
        ...(m.from === undefined ? [] : [`from=${enc(aliases.dial(m.from))}`]),
        'limit=500',
      ].join('&');
      const res = await ctx.api('GET', `/v1/messages?${query}`);
      const items = (res.body as { items?: unknown } | undefined)?.items;
      return { ...result(res, OK), actual: items ?? res.body };
    }
    case 'cdr':
      return cdrOf(ctx, aliases.id(step.cdr!, 'call'));
    case 'conference':
      return result(await ctx.api('POST', '/v1/conferences', conferenceBody(ctx, step.conference!)), CREATED);
    case 'conferenceAction': {
      const c = step.conferenceAction!;
      const path = `/v1/conferences/${enc(aliases.id(c.conference))}/actions`;
      return result(await ctx.api('POST', path, { action: c.action }), OK);
    }
    case 'subscriber': {
      const { who, ...behaviour } = step.subscriber!;
      const res = await ctx.api('PUT', `/v1/sim/subscribers/${enc(aliases.dial(who))}`, behaviour);
      return result(res, [200, 201]);
    }
    case 'get': {
      const path = aliases.interpolatePath(step.get!);
      return result(await ctx.api('GET', path), OK, callIdOfPath(path));
    }
    case 'request': {
      const r = step.request!;
      const path = aliases.interpolatePath(r.path);
      const res = await ctx.api(r.method, path, r.body === undefined ? undefined : aliases.deep(r.body));
      return result(res, ANY_2XX, callIdOfPath(path));
    }
  }
}

/** The conference as the API takes it: aliases become numbers and member ids. */
export function conferenceBody(ctx: RunContext, spec: ConferenceSpec): Record<string, unknown> {
  const { aliases, clock } = ctx;
  return {
    hostMsisdn: aliases.dial(spec.host),
    ...(spec.group === undefined ? {} : { groupId: aliases.id(spec.group, 'group') }),
    ...(spec.title === undefined ? {} : { title: spec.title }),
    ...(spec.startAt === undefined ? {} : { startAt: clock.iso(spec.startAt) }),
    ...(spec.durationMinutes === undefined ? {} : { durationMinutes: spec.durationMinutes }),
    ...(spec.maxParticipants === undefined ? {} : { maxParticipants: spec.maxParticipants }),
    ...(spec.pin === undefined ? {} : { pin: spec.pin }),
    ...(spec.endWhenHostLeaves === undefined ? {} : { endWhenHostLeaves: spec.endWhenHostLeaves }),
    participants: (spec.participants ?? []).map((p) => aliases.participant(p)),
  };
}

function actionBody(ctx: RunContext, act: ActSpec): Record<string, unknown> {
  const { aliases, clock } = ctx;
  const target =
    act.target === undefined
      ? undefined
      : act.target.member !== undefined
        ? { memberId: aliases.id(act.target.member, 'member') }
        : { extension: String(aliases.interpolate(act.target.extension!)) };
  return {
    action: act.action,
    ...(act.digits === undefined ? {} : { digits: String(aliases.interpolate(act.digits)) }),
    ...(target === undefined ? {} : { target }),
    ...(act.at === undefined ? {} : { at: clock.iso(act.at) }),
  };
}

/** The call an `act` addresses: a call alias, or a conference participant's current leg. */
async function legOf(ctx: RunContext, act: ActSpec): Promise<string> {
  if (act.call !== undefined) return ctx.aliases.id(act.call, 'call');
  const conferenceId = ctx.aliases.id(act.conference!, 'conference');
  const res = await ctx.api('GET', `/v1/conferences/${enc(conferenceId)}`);
  if (res.status !== 200) throw new ScenarioRunError(`conference ${act.conference}: GET → ${res.status}`);
  const msisdn = ctx.aliases.dial(act.participant!);
  const participants = (res.body as { participants?: { msisdn: string; callId: string | null }[] })
    .participants;
  const participant = participants?.find((p) => p.msisdn === msisdn);
  if (participant === undefined)
    throw new ScenarioRunError(`${act.participant} (${msisdn}) is not a participant of ${act.conference}`);
  if (participant.callId === null)
    throw new ScenarioRunError(`${act.participant} has no leg in ${act.conference}`);
  return participant.callId;
}

/** The CDR of a call: found by the call's cdrId among the CDRs started when it started. */
async function cdrOf(ctx: RunContext, callId: string): Promise<StepResult> {
  const call = await ctx.api('GET', `/v1/calls/${enc(callId)}`);
  if (call.status !== 200) return { ...result(call, OK, callId), actual: undefined };
  const { cdrId, startedAt, state } = call.body as { cdrId?: string; startedAt: string; state: string };
  const missing = (detail: string): StepResult => ({
    response: { status: 404, body: { code: 'no_cdr', detail } },
    success: OK,
    actual: undefined,
    callId,
  });
  if (cdrId === undefined) return missing(`the call is ${state} and has no CDR yet`);
  const from = Date.parse(startedAt);
  const window = `from=${enc(new Date(from).toISOString())}&to=${enc(new Date(from + 1).toISOString())}`;
  let cursor: string | null = null;
  do {
    const res = await ctx.api(
      'GET',
      `/v1/cdrs?${window}&limit=500${cursor === null ? '' : `&cursor=${enc(cursor)}`}`,
    );
    if (res.status !== 200) return { ...result(res, OK, callId), actual: undefined };
    const page = res.body as { items: { id: string }[]; nextCursor: string | null };
    const cdr = page.items.find((item) => item.id === cdrId);
    if (cdr !== undefined) return { ...result(res, OK, callId), actual: cdr };
    cursor = page.nextCursor;
  } while (cursor !== null);
  return missing(`CDR ${cdrId} is not listed in GET /v1/cdrs`);
}

function idOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

function callIdOfPath(path: string): string | undefined {
  return /^\/v1\/calls\/([^/?]+)/.exec(path)?.[1];
}

/** A one-line summary of a step for progress and reports. */
export function stepLabel(step: StepSpec, kind: StepKind): string {
  if (step.name !== undefined) return step.name;
  const as = step.as === undefined ? '' : ` as ${step.as}`;
  switch (kind) {
    case 'call':
      return `call ${step.call!.from} → ${step.call!.to}${as}`;
    case 'act': {
      const a = step.act!;
      const who = a.call ?? `${a.conference}/${a.participant}`;
      const target = a.target === undefined ? '' : ` → ${a.target.member ?? a.target.extension}`;
      return `${who} ${a.action}${a.digits === undefined ? '' : ` ${a.digits}`}${target}`;
    }
    case 'clock':
      return step.clock!.advance !== undefined
        ? `clock +${step.clock!.advance}`
        : `clock → ${step.clock!.to}`;
    case 'sms':
      return `sms ${step.sms!.from} → ${step.sms!.to}: ${truncate(step.sms!.text)}`;
    case 'route':
      return `route ${step.route!.from} → ${step.route!.to}${step.route!.service === 'sms' ? ' (sms)' : ''}`;
    case 'messages':
      return step.messages!.to !== undefined
        ? `inbox of ${step.messages!.to}`
        : `messages from ${step.messages!.from}`;
    case 'cdr':
      return `CDR of ${step.cdr}`;
    case 'conference':
      return `conference by ${step.conference!.host}${as}`;
    case 'conferenceAction':
      return `conference ${step.conferenceAction!.conference} ${step.conferenceAction!.action}`;
    case 'subscriber':
      return `${step.subscriber!.who} behaves ${step.subscriber!.behaviour}`;
    case 'get':
      return `GET ${step.get}`;
    case 'request':
      return `${step.request!.method} ${step.request!.path}`;
  }
}

const truncate = (text: string) => (text.length > 24 ? `${text.slice(0, 23)}…` : text);
