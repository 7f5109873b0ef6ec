import type { CallEvent } from '../engines/calls/index.js';
import type { RouteDecision, RouteReason } from '../engines/vpn/index.js';
import type { Principal } from './api-keys.js';

/**
 * What a key may read of another tenant (the contract: "another tenant's party appears as its
 * number only"). Every view of traffic (route decisions, calls and their events, messages,
 * conferences and participants, CDRs) passes its reader through here, so the rule lives once:
 *
 * - A party of a group the reader cannot see shows its number only: no member id, group id,
 *   name or ringback (null); its switchboard's id is left out.
 * - Texts about that side are replaced, not edited: a routing explanation becomes the rule's
 *   neutral sentence (numbers only), and a greeting or menu prompt of that tenant's switchboard
 *   becomes `REDACTED_TEXT`. Those texts are the other tenant's configuration, which its own
 *   `GET /v1/switchboards/{id}` refuses this key, and free text may hold names. The platform's
 *   own announcements (network and conference prompts) stay as played.
 * - Parties outside every group (off-net numbers, the conference access number) hide nothing.
 *
 * The admin key reads everything, and a view whose parties are all the reader's costs two set
 * reads: the routing hot path pays nearly nothing for the rule.
 */

/** Whoever reads: the admin key or a partner key. */
export type Reader = Pick<Principal, 'kind' | 'canSee'>;

/** What a greeting or menu prompt of another tenant's switchboard reads as. */
export const REDACTED_TEXT = "(another customer's recorded text, not shown)";

/** Whether something of `groupId` is another tenant's for this reader. */
export function hides(reader: Reader, groupId: string | null | undefined): boolean {
  return reader.kind !== 'admin' && groupId != null && !reader.canSee(groupId);
}

/** What a neutral explanation may name: the numbers of the route, never whose they are. */
export interface RouteFacts {
  reason: RouteReason;
  from: string;
  to: string;
  targetMsisdn: string | null;
  presentedCallerId: string;
  service: 'voice' | 'sms';
}

const kind = (facts: RouteFacts) => (facts.service === 'sms' ? 'message' : 'call');

/** One sentence per rule, naming only numbers: exhaustive, so a new reason needs its sentence. */
const NEUTRAL: Record<RouteReason, (facts: RouteFacts) => string> = {
  caller_suspended: (f) => `the caller ${f.from} is suspended, so the ${kind(f)} is refused`,
  callee_suspended: (f) => `the called number ${f.targetMsisdn ?? f.to} is suspended`,
  unallocated_number: (f) => `no one holds ${f.to}`,
  not_callable: (f) => `${f.to} takes messages but not calls`,
  emergency_number: (f) => `${f.to} is an emergency number, routed to emergency services whoever calls`,
  vpn_short_code: (f) => `short code ${f.to} is held in the caller's VPN`,
  vpn_subgroup_code: (f) => `short code ${f.to} belongs to a sub-group of the caller's VPN`,
  vpn_long_number: (f) => `${f.to} is a member of the caller's VPN`,
  switchboard_outbound_prefix: (f) =>
    `the caller dialled out through its switchboard, so the ${kind(f)} goes out with the pilot ${f.presentedCallerId} presented`,
  switchboard_pilot: (f) => `${f.to} is a switchboard's pilot number, whose greeting answers`,
  conference_access_number: (f) => `${f.to} is the conference access number, answered by the bridge prompt`,
  offnet: (f) => `${f.to} is not a member of the caller's VPN, so the ${kind(f)} goes off-net`,
};

export function neutralExplanation(facts: RouteFacts): string {
  return NEUTRAL[facts.reason](facts);
}

/**
 * A routing decision with the hidden sides redacted (the routing service knows which: it has
 * looked the caller up for the scope check). The decision itself is shared and frozen in
 * parts: a redacted one is a shallow copy.
 */
export function redactDecision(
  decision: RouteDecision,
  callerHidden: boolean,
  calleeHidden: boolean,
): RouteDecision {
  const target = decision.target;
  const seen: RouteDecision = {
    ...decision,
    explanation: neutralExplanation({
      reason: decision.reason,
      from: decision.from,
      to: decision.to,
      targetMsisdn: target?.msisdn ?? null,
      presentedCallerId: decision.presentedCallerId,
      service: decision.tariff.rateFenPerMessage === undefined ? 'voice' : 'sms',
    }),
  };
  // A switchboard is its group's: the called one on a pilot, the caller's on the outbound prefix.
  const switchboardHidden = decision.callType === 'switchboard_outbound' ? callerHidden : calleeHidden;
  if (switchboardHidden) delete seen.switchboardId;
  if (calleeHidden && target !== null) {
    seen.target = { msisdn: target.msisdn };
    seen.ringback = null;
  }
  if (callerHidden) {
    // A sub-group code is the caller's own group's.
    delete seen.subgroupId;
    delete seen.recipients;
  }
  return seen;
}

/** Event fields that name the called side: its member, group, switchboard, menu and extensions. */
const CALLEE_FIELDS = ['memberId', 'groupId', 'switchboardId', 'extension', 'explanation', 'menuPath'];

/** Events whose text the called side's switchboard configured (announcements are the platform's). */
const CONFIGURED_TEXT = new Set(['greeting', 'prompt']);

/**
 * A call's event as this reader sees it, given which side is another tenant's: the routed
 * event's explanation becomes neutral; while the called side is hidden, the fields naming it
 * go, its ringback is null and its switchboard's texts are replaced.
 */
export function callEventFor(
  event: CallEvent,
  facts: Omit<RouteFacts, 'reason'>,
  calleeHidden: boolean,
): CallEvent {
  if (event.type === 'routed') {
    return { ...event, explanation: neutralExplanation({ ...facts, reason: event.reason as RouteReason }) };
  }
  if (!calleeHidden) return event;
  const seen: CallEvent = { ...event };
  for (const field of CALLEE_FIELDS) delete seen[field];
  if ('ringback' in seen) seen.ringback = null;
  if (CONFIGURED_TEXT.has(seen.type) && typeof seen.text === 'string') seen.text = REDACTED_TEXT;
  return seen;
}
