import type { RouteCallType, RouteDecisionKind, RouteReason, TariffClass } from '../vpn/route.js';

/**
 * A simulated call as plain data: what the state machine reads and returns, what the store
 * persists as one document, and (through a view) what the API shows.
 */

export const CALL_STATES = ['ringing', 'in_ivr', 'queued', 'connected', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

export const CALL_ACTIONS = [
  'answer',
  'reject',
  'busy',
  'no_answer',
  'dtmf',
  'timeout',
  'transfer',
  'hangup',
] as const;
export type CallActionName = (typeof CALL_ACTIONS)[number];

/** What an alerted party does; also the automatic behaviours of simulated subscribers. */
export type AlertResponse = 'answer' | 'reject' | 'busy' | 'no_answer';

export type TransferTarget = { extension: string } | { memberId: string };

export type CallInput =
  | { action: 'answer' | 'reject' | 'busy' | 'no_answer' | 'timeout' | 'hangup' }
  | { action: 'dtmf'; digits: string }
  | { action: 'transfer'; target: TransferTarget };

/** One entry of the call's event log: `at` is ISO 8601, the rest depends on `type`. */
export interface CallEvent {
  at: string;
  type: string;
  [detail: string]: unknown;
}

export interface CallParty {
  msisdn: string;
  memberId?: string;
  groupId?: string;
}

/** Where a call in `in_ivr` stands: in a switchboard's menu tree, or entering a conference PIN. */
export type IvrPosition =
  | { kind: 'switchboard'; menuPath: string[]; retries: number }
  | { kind: 'conference_pin'; attempts: number };

/** A simulated subscriber's automatic answer, due at a time on the call's clock and the service's. */
export interface PendingResponse {
  action: AlertResponse;
  msisdn: string;
  /** On the call's own clock (event times). */
  dueAtMs: number;
  /** On the service clock: when the scheduler fires it. */
  dueServiceMs: number;
}

/** The router's call types, plus the platform's dial-out to a conference participant. */
export type CallType = RouteCallType | 'conference_dialout';

export interface Call {
  id: string;
  state: CallState;
  callType: CallType;
  from: string;
  to: string;
  presentedCallerId: string;
  /** The party the call is with: the routed target, then the member a switchboard transferred to. */
  target: CallParty | null;
  switchboardId?: string;
  conferenceId?: string;
  /** The conference leg's participant, when the call is one. */
  participantId?: string;
  events: CallEvent[];
  cdrId?: string;

  // The machine's own bookkeeping: persisted, not shown as such.
  decision: RouteDecisionKind;
  reason: RouteReason;
  tariffClass: TariffClass;
  rateFenPerMinute: number;
  /** The group billed: the caller's when a member, else the called member's, switchboard's, conference's. */
  billingGroupId: string | null;
  callerGroupId: string | null;
  calleeGroupId: string | null;
  startedAtMs: number;
  answeredAtMs: number | null;
  endedAtMs: number | null;
  /** The time of the last event: an action may not precede it. */
  lastAtMs: number;
  ivr: IvrPosition | null;
  /** Who is being alerted while `ringing`. */
  alerting: CallParty | null;
  queuedAtMs: number | null;
  pending: PendingResponse | null;
  /** Why the call ended (`hangup`, `busy`, a reject reason, …). */
  endCause: string | null;
}
