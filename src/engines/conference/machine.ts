import {
  addAndDial,
  admissionRefusal,
  afterLeave,
  invite,
  kick,
  muteAll,
  pushInvitee,
  setLocked,
  setMuted,
  unmuteAll,
} from './control.js';
import { Draft, refuse, stale } from './draft.js';
import { keys } from './handset.js';
import { CONFERENCE_PROMPTS as PROMPTS } from './prompts.js';
import type {
  Conference,
  ConferenceAction,
  ConferenceActionKind,
  ConferenceEnvironment,
  ConferenceState,
  ConferenceTransition,
  Participant,
} from './types.js';

/**
 * The conference room as an explicit transition table: for each state, the actions it takes
 * and the handler that returns the new conference, its events and the effects a service
 * carries out (dial, SMS, announce on a leg, drop a leg, write the charge). Handlers never
 * mutate their input and never read the clock: the action's time comes in.
 *
 * Invariants (test/unit/engines/conference): joined participants never exceed the cap, and an
 * ended conference takes nothing (`end` is a no-op, everything else a refusal).
 */

type Handler<K extends ConferenceActionKind> = (
  draft: Draft,
  action: Extract<ConferenceAction, { kind: K }>,
  env: ConferenceEnvironment,
) => ConferenceTransition | undefined;

type Table = { [K in ConferenceActionKind]?: Handler<K> };

const TRANSITIONS: Record<ConferenceState, Table> = {
  scheduled: {
    start,
    add: invite,
    kick,
    set_muted: setMuted,
    mute_all: (d) => muteAll(d, 'api'),
    unmute_all: (d) => unmuteAll(d, 'api'),
    lock: (d) => setLocked(d, true, 'api'),
    unlock: (d) => setLocked(d, false, 'api'),
    end: (d, a) => void d.end(a.cause),
    extend,
  },
  active: {
    add: (d, a) => addAndDial(d, a.invitee, 'api'),
    kick,
    set_muted: setMuted,
    mute_all: (d) => muteAll(d, 'api'),
    unmute_all: (d) => unmuteAll(d, 'api'),
    lock: (d) => setLocked(d, true, 'api'),
    unlock: (d) => setLocked(d, false, 'api'),
    end: (d, a) => void d.end(a.cause),
    extend,
    leg_dialled: legDialled,
    leg_answered: legAnswered,
    leg_unreached: legUnreached,
    leg_left: legLeft,
    dial_in: dialIn,
    keys,
  },
  ended: {},
};

export function allowedConferenceActions(state: ConferenceState): ConferenceActionKind[] {
  return Object.keys(TRANSITIONS[state]) as ConferenceActionKind[];
}

/** Applies one action at `atMs`; the room's clock never runs backwards (an earlier time is taken as its last). */
export function applyConferenceAction(
  conference: Conference,
  action: ConferenceAction,
  atMs: number,
  env: ConferenceEnvironment,
): ConferenceTransition {
  if (conference.state === 'ended') {
    // Ending an ended conference changes nothing; anything else is refused.
    if (action.kind === 'end') return { ok: true, conference, effects: [], events: [] };
    return refuse('conference_ended', `conference ${conference.id} has ended`);
  }
  const handler = TRANSITIONS[conference.state][action.kind] as Handler<typeof action.kind> | undefined;
  if (handler === undefined) {
    return refuse('conference_not_active', `conference ${conference.id} has not started`);
  }
  const draft = new Draft(conference, Math.max(atMs, conference.lastAtMs));
  return handler(draft, action as never, env) ?? draft.done();
}

function start(draft: Draft, action: Extract<ConferenceAction, { kind: 'start' }>): undefined {
  const { conference } = draft;
  conference.state = 'active';
  conference.startedAtMs = draft.atMs;
  conference.fenPerParticipantMinute = action.fenPerParticipantMinute;
  draft.event('started', {
    ...(conference.durationMinutes === null
      ? {}
      : { endsAt: new Date(draft.atMs + conference.durationMinutes * 60_000).toISOString() }),
  });
  for (const p of [...conference.participants]) if (p.state === 'invited') draft.dial(p);
  return undefined;
}

function extend(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'extend' }>,
): ConferenceTransition | undefined {
  const { conference } = draft;
  const from = conference.startedAtMs;
  if (from !== null && from + action.durationMinutes * 60_000 <= draft.atMs) {
    return refuse(
      'duration_too_short',
      `the conference started at ${new Date(from).toISOString()}: ${action.durationMinutes} minutes have already passed`,
    );
  }
  conference.durationMinutes = action.durationMinutes;
  draft.event('extended', {
    durationMinutes: action.durationMinutes,
    ...(from === null ? {} : { endsAt: new Date(from + action.durationMinutes * 60_000).toISOString() }),
  });
  return undefined;
}

/** The leg of a dial-out is placed: its call id is recorded (unless the leg already answered). */
function legDialled(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'leg_dialled' }>,
): ConferenceTransition | undefined {
  const p = draft.find(action.participantId);
  if (p === undefined || p.callId !== null) return stale(action.callId);
  draft.edit(p.id, { callId: action.callId });
  return undefined;
}

/** The current ringing leg of a participant, or nothing. */
function ringingLeg(draft: Draft, participantId: string, callId: string): Participant | undefined {
  const p = draft.find(participantId);
  if (p === undefined || p.state !== 'dialing' || (p.callId !== null && p.callId !== callId))
    return undefined;
  return p;
}

/** A dial-out answered: it joins if the room has a seat (and is not locked), else hears why and ends. */
function legAnswered(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'leg_answered' }>,
): ConferenceTransition | undefined {
  const p = ringingLeg(draft, action.participantId, action.callId);
  if (p === undefined) return stale(action.callId);
  const refusal = admissionRefusal(draft, p.role);
  if (refusal !== undefined) {
    draft.refuse(
      p,
      action.callId,
      refusal.ok === false && refusal.code === 'conference_locked' ? 'locked' : 'full',
    );
    return undefined;
  }
  draft.join(p, action.callId, 'dial_out');
  draft.announce(action.callId, 'announcement', PROMPTS.joined, { reason: 'joined' });
  return undefined;
}

/** Rejected, busy or unanswered: that state, and an SMS with the access number and PIN. */
function legUnreached(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'leg_unreached' }>,
): ConferenceTransition | undefined {
  const p = ringingLeg(draft, action.participantId, action.callId);
  if (p === undefined) return stale(action.callId);
  const { conference } = draft;
  const state = action.response === 'reject' ? 'rejected' : action.response;
  draft.edit(p.id, { state, cause: state, callId: action.callId });
  draft.event(state, { participantId: p.id, msisdn: p.msisdn, callId: action.callId });
  draft.effects.push({
    kind: 'sms',
    participantId: p.id,
    to: p.msisdn,
    text: PROMPTS.invitation(conference.accessNumber, conference.pin, conference.title),
  });
  draft.event('sms_sent', { participantId: p.id, to: p.msisdn });
  return undefined;
}

function legLeft(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'leg_left' }>,
): ConferenceTransition | undefined {
  const p = draft.find(action.participantId);
  if (p === undefined || p.state !== 'joined' || p.callId !== action.callId) return stale(action.callId);
  draft.leave(p, 'left', 'hangup');
  draft.event('left', { participantId: p.id, msisdn: p.msisdn, cause: 'hangup' });
  afterLeave(draft, p);
  return undefined;
}

/** A dial-in admitted by its PIN joins (the bridge answered the PIN just before, in the same turn). */
function dialIn(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'dial_in' }>,
): ConferenceTransition | undefined {
  const { invitee, callId } = action;
  const known = draft.find(invitee.id);
  if (known?.state === 'joined') return stale(callId);
  const role = known?.role ?? 'participant';
  const refusal = admissionRefusal(draft, role);
  if (refusal !== undefined) {
    draft.refuse(
      null,
      callId,
      refusal.ok === false && refusal.code === 'conference_locked' ? 'locked' : 'full',
    );
    return undefined;
  }
  // The same person still ringing on a dial-out: the dial-in takes over and that leg is dropped.
  if (known?.state === 'dialing') draft.drop(known.callId, 'answered_by_dial_in', PROMPTS.takenOver);
  const participant = known ?? pushInvitee(draft, invitee, 'participant');
  draft.join(participant, callId, 'dial_in');
  return undefined;
}
