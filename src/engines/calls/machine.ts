import type { MemberEntry, SwitchboardEntry } from '../../store/routing-directory/model.js';
import { chooseFromMenu } from '../switchboard/menu.js';
import type { RingbackChoice } from '../vpn/route.js';
import { PROMPTS } from './prompts.js';
import type {
  AlertResponse,
  Call,
  CallActionName,
  CallEvent,
  CallInput,
  CallParty,
  CallState,
  TransferTarget,
} from './types.js';

/**
 * The call state machine as an explicit transition table: for each state, the actions it
 * allows and the handler that returns the new call and the effects a service carries out
 * (alert a party, write the CDR, join a conference). Handlers never mutate their input and
 * never read the clock: the action's time comes in.
 */

/** What the engine needs from the world, as plain lookups. */
export interface CallEnvironment {
  switchboard(id: string): SwitchboardEntry | undefined;
  member(id: string): MemberEntry | undefined;
  memberByMsisdn(msisdn: string): MemberEntry | undefined;
  /** The ringback tones a caller hears while `member` is alerted at `atMs`. */
  ringbackFor(member: MemberEntry, atMs: number): RingbackChoice | null;
  /** Whether the switchboard is within its business hours at `atMs` (its group's zone). */
  isOpen(switchboard: SwitchboardEntry, atMs: number): boolean;
  /** The conference bridge's answer to a PIN; absent: no conference takes any PIN. */
  admitByPin?(pin: string, call: Call, atMs: number): PinAdmission;
}

export type PinAdmission =
  | { kind: 'join'; conferenceId: string; participantId: string; announcement: string }
  | { kind: 'refused'; announcement: string; cause: string }
  | { kind: 'unknown' };

/**
 * What a service carries out after committing a transition. The conference effects tell the
 * conference bridge about its legs: a dial-out answered or unreached, a joined leg that hung
 * up, keys pressed on a joined leg, a dial-in admitted by PIN.
 */
export type CallEffect =
  | { kind: 'alert'; party: CallParty }
  | { kind: 'write_cdr' }
  | { kind: 'join_conference'; conferenceId: string; participantId: string }
  | { kind: 'conference_leg_answered' }
  | { kind: 'conference_leg_unreached'; response: Exclude<AlertResponse, 'answer'> }
  | { kind: 'conference_leg_left' }
  | { kind: 'conference_keys'; digits: string };

export type CallTransition =
  | { ok: true; call: Call; effects: CallEffect[] }
  | {
      ok: false;
      code: 'call_action_not_allowed' | 'call_time_regressed' | 'transfer_target_invalid';
      detail: string;
      /** The field of the action at fault (`at`, `target.memberId`). */
      path?: string;
    };

/** Wrong PINs that end a conference dial-in. */
export const MAX_PIN_ATTEMPTS = 3;

type Handler = (draft: Draft, input: CallInput, env: CallEnvironment) => CallTransition | undefined;

/** The transition table: what each state allows. Anything else is a 409 naming the state. */
const TRANSITIONS: Record<CallState, Partial<Record<CallActionName, Handler>>> = {
  ringing: { answer: answered, reject: notAnswered, busy: notAnswered, no_answer: notAnswered, hangup },
  in_ivr: { dtmf: ivrInput, timeout: ivrInput, hangup },
  queued: { transfer: operatorTransfer, hangup },
  connected: { dtmf: keyedWhileConnected, hangup },
  ended: {},
};

export function allowedActions(state: CallState): CallActionName[] {
  return Object.keys(TRANSITIONS[state]) as CallActionName[];
}

/** Applies one action at `atMs` (on the call's own clock, never before its last event). */
export function applyCallAction(
  call: Call,
  input: CallInput,
  atMs: number,
  env: CallEnvironment,
): CallTransition {
  const handler = TRANSITIONS[call.state][input.action];
  if (handler === undefined) {
    const allowed = allowedActions(call.state);
    return {
      ok: false,
      code: 'call_action_not_allowed',
      detail: `a call in state ${call.state} does not take ${input.action}${
        allowed.length > 0 ? ` (it takes ${allowed.join(', ')})` : ''
      }`,
    };
  }
  if (atMs < call.lastAtMs) {
    return {
      ok: false,
      code: 'call_time_regressed',
      detail: `at ${iso(atMs)} precedes the call's last event at ${iso(call.lastAtMs)}`,
      path: 'at',
    };
  }
  const draft = new Draft(call, atMs);
  return handler(draft, input, env) ?? draft.done();
}

/** A copy of the call being changed by one transition, with the effects it collects. */
export class Draft {
  readonly call: Call;
  readonly effects: CallEffect[] = [];

  constructor(
    source: Call,
    readonly atMs: number,
  ) {
    // A subscriber's pending automatic answer belongs to the alert it was armed for; any
    // transition supersedes it (the service arms a new one from an `alert` effect).
    this.call = { ...source, events: [...source.events], pending: null, lastAtMs: atMs };
  }

  event(type: string, detail: Record<string, unknown> = {}): void {
    this.call.events.push({ at: iso(this.atMs), type, ...detail } as CallEvent);
  }

  play(type: string, text: string, detail: Record<string, unknown> = {}): void {
    this.event(type, { text, ...detail });
  }

  /** Alerts a member: the call rings there with that member's ringback. */
  ring(member: MemberEntry, env: CallEnvironment, detail: Record<string, unknown> = {}): void {
    const party: CallParty = { msisdn: member.msisdn, memberId: member.id, groupId: member.groupId };
    this.call.state = 'ringing';
    this.call.target = party;
    this.call.alerting = party;
    this.call.calleeGroupId = member.groupId;
    this.event('ringing', {
      ...detail,
      msisdn: member.msisdn,
      memberId: member.id,
      ringback: env.ringbackFor(member, this.atMs),
    });
    this.effects.push({ kind: 'alert', party });
  }

  queue(switchboard: SwitchboardEntry, why: string): void {
    this.call.state = 'queued';
    this.call.ivr = null;
    this.call.alerting = null;
    this.call.queuedAtMs = this.atMs;
    const onDuty = [...switchboard.operators]
      .filter(([, status]) => status === 'available')
      .map(([id]) => id);
    this.play('queued', onDuty.length > 0 ? PROMPTS.operatorHold : PROMPTS.noOperator, {
      switchboardId: switchboard.id,
      reason: why,
      operatorsAvailable: onDuty.length,
    });
  }

  end(cause: string): void {
    this.call.state = 'ended';
    this.call.ivr = null;
    this.call.alerting = null;
    this.call.endedAtMs = this.atMs;
    this.call.endCause = cause;
    this.event('ended', { cause });
    this.effects.push({ kind: 'write_cdr' });
  }

  /** The call and its effects, for a start that cannot be refused. */
  result(): { call: Call; effects: CallEffect[] } {
    return { call: this.call, effects: this.effects };
  }

  done(): CallTransition {
    return { ok: true, ...this.result() };
  }
}

function answered(draft: Draft): undefined {
  const { call } = draft;
  call.state = 'connected';
  // A call that an IVR answered is billed from that answer; others from the callee's.
  if (call.answeredAtMs === null) call.answeredAtMs = draft.atMs;
  draft.event('answered', { msisdn: call.alerting?.msisdn ?? call.target?.msisdn ?? call.to });
  call.alerting = null;
  // A conference leg joins only on answer, and only if the bridge still has room for it.
  if (call.callType === 'conference_dialout') draft.effects.push({ kind: 'conference_leg_answered' });
  return undefined;
}

const NOT_ANSWERED: Record<AlertResponse, { event: string; prompt: string }> = {
  answer: { event: 'answered', prompt: '' },
  reject: { event: 'rejected', prompt: PROMPTS.extensionRejected },
  busy: { event: 'busy', prompt: PROMPTS.extensionBusy },
  no_answer: { event: 'no_answer', prompt: PROMPTS.extensionNoAnswer },
};

/** The alerted party rejects, is busy or does not answer: a switchboard applies its fallback. */
function notAnswered(draft: Draft, input: CallInput, env: CallEnvironment): undefined {
  const response = input.action as Exclude<AlertResponse, 'answer'>;
  const { call } = draft;
  draft.event(NOT_ANSWERED[response].event, { msisdn: call.alerting?.msisdn ?? call.to });
  const switchboard = call.switchboardId === undefined ? undefined : env.switchboard(call.switchboardId);
  if (switchboard !== undefined && call.callType === 'switchboard_inbound') {
    draft.play('announcement', NOT_ANSWERED[response].prompt);
    if (switchboard.fallback === 'operator') {
      draft.event('fallback', { to: 'operator' });
      draft.queue(switchboard, `extension_${response}`);
      return undefined;
    }
    draft.event('fallback', { to: 'hangup' });
  }
  draft.end(response === 'reject' ? 'rejected' : response);
  if (call.callType === 'conference_dialout')
    draft.effects.push({ kind: 'conference_leg_unreached', response });
  return undefined;
}

function hangup(draft: Draft): undefined {
  const { call } = draft;
  const joined = call.state === 'connected' && call.conferenceId !== undefined;
  // A dial-out leg hung up while it still rings never reached its participant.
  const unreached = call.state === 'ringing' && call.callType === 'conference_dialout';
  draft.event('hangup');
  draft.end('hangup');
  if (joined) draft.effects.push({ kind: 'conference_leg_left' });
  if (unreached) draft.effects.push({ kind: 'conference_leg_unreached', response: 'no_answer' });
  return undefined;
}

/** Keys (or a timeout) while a prompt plays: a switchboard menu or a conference PIN. */
function ivrInput(draft: Draft, input: CallInput, env: CallEnvironment): CallTransition | undefined {
  const { call } = draft;
  const digits = input.action === 'dtmf' ? input.digits : null;
  if (digits !== null) draft.event('dtmf', { digits });
  else draft.event('timeout');
  const ivr = call.ivr;
  if (ivr?.kind === 'conference_pin') return pinInput(draft, digits, ivr.attempts, env);
  const switchboard = call.switchboardId === undefined ? undefined : env.switchboard(call.switchboardId);
  if (ivr?.kind !== 'switchboard' || switchboard === undefined) {
    draft.play('announcement', PROMPTS.refusedDefault);
    draft.end('switchboard_gone');
    return undefined;
  }
  const outcome = chooseFromMenu(switchboard, ivr.menuPath, ivr.retries, digits);
  switch (outcome.kind) {
    case 'retry':
      draft.event('invalid_input', { explanation: outcome.explanation, retries: outcome.retries });
      call.ivr = { ...ivr, retries: outcome.retries };
      draft.play('prompt', outcome.menu.prompt);
      return undefined;
    case 'submenu':
      call.ivr = { kind: 'switchboard', menuPath: outcome.path, retries: 0 };
      draft.play('prompt', outcome.menu.prompt, { menuPath: outcome.path.join('') });
      return undefined;
    case 'operator':
      if (outcome.cause === 'retries_exhausted') {
        draft.event('invalid_input', { explanation: outcome.explanation });
      }
      draft.queue(switchboard, outcome.cause === 'chosen' ? 'operator_chosen' : 'retries_exhausted');
      return undefined;
    case 'unassigned_extension':
      draft.play('announcement', PROMPTS.notInService, { extension: outcome.extension });
      draft.queue(switchboard, 'extension_not_in_service');
      return undefined;
    case 'member': {
      const member = env.member(outcome.memberId);
      if (member === undefined || member.status === 'suspended' || member.groupId !== switchboard.groupId) {
        draft.play('announcement', PROMPTS.notInService, { memberId: outcome.memberId });
        draft.queue(switchboard, 'extension_not_in_service');
        return undefined;
      }
      call.ivr = null;
      draft.event('transferred', {
        by: 'menu',
        extension: outcome.extension,
        memberId: member.id,
        explanation: outcome.explanation,
      });
      draft.ring(member, env, outcome.extension === null ? {} : { extension: outcome.extension });
      return undefined;
    }
  }
}

/** The conference bridge's PIN prompt: the PIN followed by `#`. */
function pinInput(draft: Draft, digits: string | null, attempts: number, env: CallEnvironment): undefined {
  const { call } = draft;
  const pin = digits?.endsWith('#') ? digits.slice(0, -1) : null;
  const admission: PinAdmission =
    pin !== null && pin.length > 0 && env.admitByPin
      ? env.admitByPin(pin, call, draft.atMs)
      : { kind: 'unknown' };
  if (admission.kind === 'join') {
    call.ivr = null;
    call.state = 'connected';
    call.conferenceId = admission.conferenceId;
    call.participantId = admission.participantId;
    draft.play('announcement', admission.announcement, { conferenceId: admission.conferenceId });
    draft.effects.push({
      kind: 'join_conference',
      conferenceId: admission.conferenceId,
      participantId: admission.participantId,
    });
    return undefined;
  }
  if (admission.kind === 'refused') {
    draft.play('announcement', admission.announcement);
    draft.end(admission.cause);
    return undefined;
  }
  const used = attempts + 1;
  draft.event('wrong_pin', { attempts: used });
  if (used >= MAX_PIN_ATTEMPTS) {
    draft.play('announcement', PROMPTS.tooManyPins);
    draft.end('wrong_pin');
    return undefined;
  }
  call.ivr = { kind: 'conference_pin', attempts: used };
  draft.play('prompt', PROMPTS.wrongPin);
  return undefined;
}

/** An operator puts a queued call through to an extension or a member of the group. */
function operatorTransfer(draft: Draft, input: CallInput, env: CallEnvironment): CallTransition | undefined {
  const target = (input as { target: TransferTarget }).target;
  const { call } = draft;
  const switchboard = call.switchboardId === undefined ? undefined : env.switchboard(call.switchboardId);
  if (switchboard === undefined) {
    return { ok: false, code: 'transfer_target_invalid', detail: 'the call is not at a switchboard' };
  }
  let memberId: string | undefined;
  let path: string;
  if ('extension' in target) {
    memberId = switchboard.extensions.get(target.extension);
    path = 'target.extension';
    if (memberId === undefined) {
      return {
        ok: false,
        code: 'transfer_target_invalid',
        detail: `the switchboard has no extension ${target.extension}`,
        path,
      };
    }
  } else {
    memberId = target.memberId;
    path = 'target.memberId';
  }
  const member = env.member(memberId);
  if (member === undefined || member.groupId !== switchboard.groupId) {
    return {
      ok: false,
      code: 'transfer_target_invalid',
      detail: `member ${memberId} is not in the switchboard's group`,
      path,
    };
  }
  if (member.status === 'suspended') {
    // Named as the request named it: an extension's member id is the switchboard's tenant's.
    const named =
      'extension' in target ? `the member at extension ${target.extension}` : `member ${member.id}`;
    return { ok: false, code: 'transfer_target_invalid', detail: `${named} is suspended`, path };
  }
  call.queuedAtMs = null;
  draft.event('transferred', {
    by: 'operator',
    extension: 'extension' in target ? target.extension : null,
    memberId: member.id,
  });
  draft.ring(member, env, 'extension' in target ? { extension: target.extension } : {});
  return undefined;
}

/** Keys on a connected call are logged; a conference leg's keys go to the conference bridge. */
function keyedWhileConnected(draft: Draft, input: CallInput): undefined {
  const digits = (input as { digits: string }).digits;
  draft.event('dtmf', { digits });
  if (draft.call.conferenceId !== undefined) draft.effects.push({ kind: 'conference_keys', digits });
  return undefined;
}

/**
 * The platform ends a call whatever its state (a conference kicks a leg or ends): not a party's
 * action, so not in the table. An ended call is returned unchanged with no effects.
 */
export function dropCall(call: Call, cause: string, atMs: number, announcement?: string): CallTransition {
  if (call.state === 'ended') return { ok: true, call, effects: [] };
  const draft = new Draft(call, Math.max(atMs, call.lastAtMs));
  if (announcement !== undefined) draft.play('announcement', announcement);
  draft.event('dropped', { cause });
  draft.end(cause);
  return draft.done();
}

/** Adds an event the platform plays or records on a call (an announcement heard on a leg). */
export function noteOnCall(call: Call, atMs: number, type: string, detail: Record<string, unknown>): Call {
  const draft = new Draft(call, Math.max(atMs, call.lastAtMs));
  draft.call.pending = call.pending;
  draft.event(type, detail);
  return draft.call;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A copy that the service may safely extend with events of its own (e.g. conference keys). */
export function draftOf(call: Call, atMs: number): Draft {
  return new Draft(call, atMs);
}
