import type { RouteDecision } from '../vpn/route.js';
import { type CallEffect, type CallEnvironment, Draft } from './machine.js';
import { PROMPTS } from './prompts.js';
import type { Call } from './types.js';

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
    return draft.done() as { call: Call; effects: CallEffect[] };
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
      return draft.done() as { call: Call; effects: CallEffect[] };
    }
  }

  if (decision.decision === 'ivr' && decision.callType === 'conference_dialin') {
    call.state = 'in_ivr';
    call.answeredAtMs = atMs;
    call.ivr = { kind: 'conference_pin', attempts: 0 };
    draft.event('answered', { by: 'conference_bridge' });
    draft.play('prompt', PROMPTS.conferencePin);
    return draft.done() as { call: Call; effects: CallEffect[] };
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
  return draft.done() as { call: Call; effects: CallEffect[] };
}
