import { CONFERENCE_PROMPTS as PROMPTS } from './prompts.js';
import type {
  Conference,
  ConferenceEffect,
  ConferenceEvent,
  ConferenceRefusal,
  ConferenceTransition,
  Participant,
  ParticipantState,
} from './types.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

export const refuse = (code: ConferenceRefusal, detail: string): ConferenceTransition => ({
  ok: false,
  code,
  detail,
});

export const stale = (callId: string): ConferenceTransition =>
  refuse('stale_leg', `call ${callId} is no longer this conference's leg`);

/**
 * A copy of the conference being changed by one transition, with the events and effects it
 * collects. Participants are copied on write, so the source conference is never mutated.
 */
export class Draft {
  readonly conference: Conference;
  readonly effects: ConferenceEffect[] = [];
  readonly events: ConferenceEvent[] = [];

  constructor(
    source: Conference,
    readonly atMs: number,
  ) {
    this.conference = { ...source, participants: [...source.participants], lastAtMs: atMs };
  }

  event(type: string, detail: Record<string, unknown> = {}): void {
    this.conference.eventCount += 1;
    this.events.push({ seq: this.conference.eventCount, at: iso(this.atMs), type, ...detail });
  }

  find(participantId: string): Participant | undefined {
    return this.conference.participants.find((p) => p.id === participantId);
  }

  /** Replaces a participant by a changed copy and returns the copy. */
  edit(participantId: string, patch: Partial<Participant>): Participant {
    const list = this.conference.participants;
    const index = list.findIndex((p) => p.id === participantId);
    const changed = { ...list[index]!, ...patch };
    list[index] = changed;
    return changed;
  }

  joinedCount(): number {
    return joinedCount(this.conference);
  }

  announce(callId: string | null, type: string, text: string, detail: Record<string, unknown> = {}): void {
    if (callId !== null) this.effects.push({ kind: 'announce', callId, type, text, detail });
  }

  drop(callId: string | null, cause: string, announcement: string): void {
    if (callId !== null) this.effects.push({ kind: 'drop_leg', callId, cause, announcement });
  }

  /** The platform dials a participant: a leg that rings, and joins only when answered. */
  dial(participant: Participant): void {
    this.edit(participant.id, { state: 'dialing', callId: null, cause: null, keys: '' });
    this.event('dialing', { participantId: participant.id, msisdn: participant.msisdn });
    this.effects.push({
      kind: 'dial',
      participantId: participant.id,
      msisdn: participant.msisdn,
      memberId: participant.memberId,
      groupId: participant.groupId,
    });
  }

  /** A leg enters the room. The caller checked the cap and the lock. */
  join(participant: Participant, callId: string, via: 'dial_out' | 'dial_in'): void {
    this.edit(participant.id, {
      state: 'joined',
      callId,
      joinedAtMs: participant.joinedAtMs ?? this.atMs,
      leftAtMs: null,
      cause: null,
      keys: '',
      legs: [...participant.legs, { callId, joinedAtMs: this.atMs, leftAtMs: null }],
    });
    this.event('joined', {
      participantId: participant.id,
      msisdn: participant.msisdn,
      role: participant.role,
      via,
      callId,
      joinedCount: this.joinedCount(),
    });
  }

  /** A joined leg leaves the room (hang-up, kick, end): its stay is closed. */
  leave(participant: Participant, state: ParticipantState, cause: string): void {
    const legs = participant.legs.map((leg, i) =>
      i === participant.legs.length - 1 && leg.leftAtMs === null ? { ...leg, leftAtMs: this.atMs } : leg,
    );
    this.edit(participant.id, { state, cause, leftAtMs: this.atMs, keys: '', legs });
  }

  /** Refuses an answering leg (full or locked): it hears why and is ended. */
  refuse(participant: Participant | null, callId: string, reason: 'full' | 'locked'): void {
    if (participant !== null)
      this.edit(participant.id, { state: 'refused', cause: reason, callId, keys: '' });
    this.event('refused', {
      ...(participant === null ? {} : { participantId: participant.id, msisdn: participant.msisdn }),
      reason,
      callId,
    });
    this.drop(callId, `conference_${reason}`, reason === 'full' ? PROMPTS.full : PROMPTS.locked);
  }

  /**
   * Ends the conference: every leg in the room or still ringing is dropped, each stay closed,
   * and the charge written (started minutes of each participant's joined time × the rate).
   */
  end(cause: string): void {
    const { conference } = this;
    for (const p of [...conference.participants]) {
      if (p.state === 'joined') {
        this.leave(p, 'left', 'conference_ended');
        this.event('left', { participantId: p.id, msisdn: p.msisdn, cause: 'conference_ended' });
        this.drop(p.callId, 'conference_ended', PROMPTS.ended);
      } else if (p.state === 'dialing') {
        this.edit(p.id, { state: 'no_answer', cause: 'conference_ended', keys: '' });
        this.drop(p.callId, 'conference_ended', PROMPTS.ended);
      }
    }
    const participantMinutes = conference.participants.reduce((sum, p) => sum + minutesOf(p), 0);
    const chargeFen = participantMinutes * Math.max(0, Math.trunc(conference.fenPerParticipantMinute ?? 0));
    conference.state = 'ended';
    conference.endedAtMs = this.atMs;
    conference.endCause = cause;
    conference.participantMinutes = participantMinutes;
    conference.chargeFen = chargeFen;
    this.event('ended', { cause, participantMinutes, chargeFen });
    this.effects.push({ kind: 'write_charge', groupId: conference.groupId, participantMinutes, chargeFen });
  }

  done(): ConferenceTransition {
    return { ok: true, conference: this.conference, effects: this.effects, events: this.events };
  }
}

export function joinedCount(conference: Conference): number {
  let n = 0;
  for (const p of conference.participants) if (p.state === 'joined') n++;
  return n;
}

/** A participant's billed minutes: the joined time of every stay, in whole seconds, then started minutes. */
export function minutesOf(participant: Participant): number {
  let ms = 0;
  for (const leg of participant.legs) {
    if (leg.leftAtMs !== null && leg.leftAtMs > leg.joinedAtMs) ms += leg.leftAtMs - leg.joinedAtMs;
  }
  return Math.ceil(Math.ceil(ms / 1000) / 60);
}
