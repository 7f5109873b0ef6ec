import { type Draft, refuse } from './draft.js';
import { CONFERENCE_PROMPTS as PROMPTS } from './prompts.js';
import type { ConferenceAction, ConferenceTransition, Invitee, Participant } from './types.js';

/**
 * Room control, the same whether it comes through the API or the host's handset keys: invite,
 * add and dial, kick, mute, mute all, lock. Each works on a draft and returns a refusal, or
 * nothing when the draft holds the change.
 */

/** The same number in the room or ringing is already there; one that left may be invited again. */
export function existing(draft: Draft, msisdn: string): Participant | undefined {
  const same = draft.conference.participants.filter((p) => p.msisdn === msisdn);
  return same.find((p) => p.state === 'joined' || p.state === 'dialing' || p.state === 'invited') ?? same[0];
}

export function admissionRefusal(draft: Draft, role: Participant['role']): ConferenceTransition | undefined {
  const { conference } = draft;
  if (conference.locked && role !== 'host') {
    return refuse('conference_locked', `conference ${conference.id} is locked`);
  }
  if (draft.joinedCount() >= conference.maxParticipants) {
    return refuse(
      'conference_full',
      `conference ${conference.id} has ${conference.maxParticipants} joined, its maximum`,
    );
  }
  return undefined;
}

/** A scheduled conference takes invitations up to its cap; they are dialled at the start. */
export function invite(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'add' }>,
): ConferenceTransition | undefined {
  const { conference } = draft;
  const known = existing(draft, action.invitee.msisdn);
  if (known !== undefined && known.state !== 'kicked') {
    return refuse('already_participant', `${action.invitee.msisdn} is already invited`);
  }
  if (conference.locked) return refuse('conference_locked', `conference ${conference.id} is locked`);
  const invited = conference.participants.filter((p) => p.state !== 'kicked').length;
  if (invited >= conference.maxParticipants) {
    return refuse('conference_full', `conference ${conference.id} already invites ${invited}, its maximum`);
  }
  const participant =
    known === undefined
      ? pushInvitee(draft, action.invitee, 'participant')
      : draft.edit(known.id, { state: 'invited', cause: null });
  draft.event('added', { participantId: participant.id, msisdn: participant.msisdn, by: 'api' });
  return undefined;
}

/** A participant as invited: not yet dialled, never joined. */
export function invitedParticipant(invitee: Invitee, role: Participant['role']): Participant {
  return {
    ...invitee,
    role,
    state: 'invited',
    muted: false,
    callId: null,
    joinedAtMs: null,
    leftAtMs: null,
    cause: null,
    legs: [],
    keys: '',
  };
}

export function pushInvitee(draft: Draft, invitee: Invitee, role: Participant['role']): Participant {
  const participant = invitedParticipant(invitee, role);
  draft.conference.participants.push(participant);
  return participant;
}

/** Adds a participant to a running conference and dials it: refused when locked or full. */
export function addAndDial(
  draft: Draft,
  invitee: Invitee,
  by: 'api' | 'host_keys',
): ConferenceTransition | undefined {
  const known = existing(draft, invitee.msisdn);
  if (known !== undefined && (known.state === 'joined' || known.state === 'dialing')) {
    return refuse('already_participant', `${invitee.msisdn} is already ${known.state} in the conference`);
  }
  const refusal = admissionRefusal(draft, known?.role ?? 'participant');
  if (refusal !== undefined) return refusal;
  const participant = known ?? pushInvitee(draft, invitee, 'participant');
  draft.event('added', { participantId: participant.id, msisdn: participant.msisdn, by });
  draft.dial(participant);
  return undefined;
}

export function kick(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'kick' }>,
): ConferenceTransition | undefined {
  const p = draft.find(action.participantId);
  if (p === undefined) return refuse('participant_not_found', `no participant ${action.participantId}`);
  if (p.role === 'host')
    return refuse('host_cannot_be_removed', 'the host cannot be removed; end the conference');
  if (p.state === 'kicked') return { ok: true, conference: draft.conference, effects: [], events: [] };
  const wasJoined = p.state === 'joined';
  if (wasJoined) draft.leave(p, 'kicked', 'kicked');
  else draft.edit(p.id, { state: 'kicked', cause: 'kicked', keys: '' });
  if (wasJoined || p.state === 'dialing') draft.drop(p.callId, 'kicked', PROMPTS.kicked);
  draft.event('kicked', { participantId: p.id, msisdn: p.msisdn, wasJoined });
  if (wasJoined) afterLeave(draft, p);
  return undefined;
}

/** After a leave: the host's leaving may end the conference, and so does the last one's. */
export function afterLeave(draft: Draft, left: Participant): void {
  if (left.role === 'host' && draft.conference.endWhenHostLeaves) draft.end('host_left');
  else if (draft.joinedCount() === 0) draft.end('last_participant_left');
}

export function setMuted(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'set_muted' }>,
): ConferenceTransition | undefined {
  const p = draft.find(action.participantId);
  if (p === undefined) return refuse('participant_not_found', `no participant ${action.participantId}`);
  if (p.muted === action.muted) return undefined;
  draft.edit(p.id, { muted: action.muted });
  draft.event(action.muted ? 'muted' : 'unmuted', { participantId: p.id, msisdn: p.msisdn, by: 'api' });
  if (p.state === 'joined') {
    draft.announce(p.callId, 'announcement', action.muted ? PROMPTS.muted : PROMPTS.unmuted, {
      reason: action.muted ? 'muted' : 'unmuted',
    });
  }
  return undefined;
}

export function muteAll(draft: Draft, by: 'api' | 'host_keys'): undefined {
  const changed: string[] = [];
  for (const p of [...draft.conference.participants]) {
    if (p.role === 'host' || p.muted) continue;
    draft.edit(p.id, { muted: true });
    changed.push(p.id);
    if (p.state === 'joined')
      draft.announce(p.callId, 'announcement', PROMPTS.mutedAll, { reason: 'muted_all' });
  }
  draft.event('muted_all', { participantIds: changed, by });
  return undefined;
}

export function unmuteAll(draft: Draft, by: 'api' | 'host_keys'): undefined {
  const changed: string[] = [];
  for (const p of [...draft.conference.participants]) {
    if (!p.muted) continue;
    draft.edit(p.id, { muted: false });
    changed.push(p.id);
    if (p.state === 'joined') {
      draft.announce(p.callId, 'announcement', PROMPTS.unmutedAll, { reason: 'unmuted_all' });
    }
  }
  draft.event('unmuted_all', { participantIds: changed, by });
  return undefined;
}

export function setLocked(draft: Draft, locked: boolean, by: 'api' | 'host_keys'): undefined {
  const { conference } = draft;
  if (conference.locked === locked) return undefined;
  conference.locked = locked;
  draft.event(locked ? 'locked' : 'unlocked', { by });
  for (const p of conference.participants) {
    if (p.state !== 'joined') continue;
    draft.announce(p.callId, 'announcement', locked ? PROMPTS.lockedNotice : PROMPTS.unlockedNotice, {
      reason: locked ? 'locked' : 'unlocked',
    });
  }
  return undefined;
}
