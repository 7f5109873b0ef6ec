import type { RouteDecision } from '../vpn/route.js';
import { type CallEffect, type CallEnvironment, Draft } from './machine.js';
import { PROMPTS } from './prompts.js';
import type { Call, CallParty } from './types.js';

/**
 * A new call from the router's decision: a reject ends at once (the network's announcement,
 * one CDR), an IVR answers (switchboard greeting and menu, or the conference PIN prompt), and
 * anything else rings its target with the target's ringback.
 */
export function startCall(
  id: string,
  decision: RouteDecision,
  atMs: number,
  env: CallEnvironment,
): { call: Call; effects: CallEffect[] } {
  const target = decision.target;
  const callerGroupId = env.memberByMsisdn(decision.from)?.groupId ?? null;
  const calleeGroupId = target?.groupId ?? null;
  const seed: Call = {
    id,
    state: 'ringing',
    callType: decision.callType,
    from: decision.from,
    to: decision.to,
    presentedCallerId: decision.presentedCallerId,
    target: target === null ? null : { ...target },
    ...(decision.switchboardId === undefined ? {} : { switchboardId: decision.switchboardId }),
    events: [],
    decision: decision.decision,
    reason: decision.reason,
    tariffClass: decision.tariff.class,
    rateFenPerMinute: decision.tariff.rateFenPerMinute,
    billingGroupId: callerGroupId ?? calleeGroupId,
    callerGroupId,
    calleeGroupId,
    startedAtMs: atMs,
    answeredAtMs: null,
    endedAtMs: null,
    lastAtMs: atMs,
    ivr: null,
    alerting: null,
    queuedAtMs: null,
    pending: null,
    endCause: null,
  };
  const draft = new Draft(seed, atMs);
  const { call } = draft;
  draft.event('routed', {
    decision: decision.decision,
    callType: decision.callType,
    reason: decision.reason,
    explanation: decision.explanation,
    tariff: { class: decision.tariff.class, rateFenPerMinute: decision.tariff.rateFenPerMinute },
    roaming: decision.roaming,
  });

  if (decision.decision === 'reject') {
    draft.play('announcement', PROMPTS.rejected[decision.reason] ?? PROMPTS.refusedDefault);
    draft.end(decision.reason);
    return draft.result();
  }

  if (decision.decision === 'ivr' && decision.callType === 'switchboard_inbound') {
    const switchboard = env.switchboard(decision.switchboardId ?? '');
    if (switchboard !== undefined) {
      call.state = 'in_ivr';
      call.answeredAtMs = atMs;
      call.ivr = { kind: 'switchboard', menuPath: [], retries: 0 };
      draft.event('answered', { by: 'switchboard', switchboardId: switchboard.id });
      const open = env.isOpen(switchboard, atMs);
      draft.play(
        'greeting',
        open ? switchboard.greeting : (switchboard.afterHoursGreeting ?? switchboard.greeting),
        {
          afterHours: !open,
        },
      );
      draft.play('prompt', switchboard.menu.prompt);
      return draft.result();
    }
  }

  if (decision.decision === 'ivr' && decision.callType === 'conference_dialin') {
    call.state = 'in_ivr';
    call.answeredAtMs = atMs;
    call.ivr = { kind: 'conference_pin', attempts: 0 };
    draft.event('answered', { by: 'conference_bridge' });
    draft.play('prompt', PROMPTS.conferencePin);
    return draft.result();
  }

  // connect and emergency: the target rings; a member's caller hears its ringback.
  const party = target === null ? { msisdn: decision.to } : { ...target };
  call.alerting = party;
  draft.event('ringing', {
    msisdn: party.msisdn,
    ...(party.memberId === undefined ? {} : { memberId: party.memberId }),
    ringback: decision.ringback,
  });
  draft.effects.push({ kind: 'alert', party });
  return draft.result();
}

export interface ConferenceLeg {
  conferenceId: string;
  participantId: string;
  /** The bridge's access number: what the participant's screen shows. */
  from: string;
  /** The participant, E.164, with its member and group when a member. */
  to: CallParty;
  /** The host's group, which pays for the conference. */
  billingGroupId: string | null;
}

/** The platform dials a participant (平台外呼): a leg that rings and joins only on answer. */
export function startConferenceLeg(
  id: string,
  leg: ConferenceLeg,
  atMs: number,
): { call: Call; effects: CallEffect[] } {
  const seed: Call = {
    id,
    state: 'ringing',
    callType: 'conference_dialout',
    from: leg.from,
    to: leg.to.msisdn,
    presentedCallerId: leg.from,
    target: { ...leg.to },
    conferenceId: leg.conferenceId,
    participantId: leg.participantId,
    events: [],
    decision: 'connect',
    reason: 'conference_access_number',
    // The leg itself is free: the host's group pays per participant-minute on the conference.
    tariffClass: 'conference',
    rateFenPerMinute: 0,
    billingGroupId: leg.billingGroupId,
    callerGroupId: leg.billingGroupId,
    calleeGroupId: leg.to.groupId ?? null,
    startedAtMs: atMs,
    answeredAtMs: null,
    endedAtMs: null,
    lastAtMs: atMs,
    ivr: null,
    alerting: { ...leg.to },
    queuedAtMs: null,
    pending: null,
    endCause: null,
  };
  const draft = new Draft(seed, atMs);
  draft.event('dialing', { conferenceId: leg.conferenceId, participantId: leg.participantId });
  draft.event('ringing', { msisdn: leg.to.msisdn, ringback: null });
  draft.effects.push({ kind: 'alert', party: { ...leg.to } });
  return draft.result();
}
