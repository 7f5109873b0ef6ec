import { invitedParticipant as invited } from './control.js';
import { iso, joinedCount } from './draft.js';
import type { Conference, ConferenceEvent, DialInAnswer, Invitee } from './types.js';

export interface NewConference {
  id: string;
  groupId: string | null;
  title: string | null;
  host: Invitee;
  accessNumber: string;
  pin: string;
  maxParticipants: number;
  endWhenHostLeaves: boolean;
  startAtMs: number | null;
  durationMinutes: number | null;
  invitees: Invitee[];
}

/**
 * A new conference, not yet started: the host and the participants invited. The service starts
 * it at once (no `startAt`) or when the clock reaches `startAt`. The caller checked the cap.
 */
export function createConference(
  input: NewConference,
  atMs: number,
): { conference: Conference; events: ConferenceEvent[] } {
  const conference: Conference = {
    id: input.id,
    groupId: input.groupId,
    title: input.title,
    hostMsisdn: input.host.msisdn,
    accessNumber: input.accessNumber,
    pin: input.pin,
    state: 'scheduled',
    maxParticipants: input.maxParticipants,
    locked: false,
    endWhenHostLeaves: input.endWhenHostLeaves,
    startAtMs: input.startAtMs,
    durationMinutes: input.durationMinutes,
    startedAtMs: null,
    endedAtMs: null,
    endCause: null,
    fenPerParticipantMinute: null,
    participantMinutes: null,
    chargeFen: null,
    participants: [invited(input.host, 'host'), ...input.invitees.map((i) => invited(i, 'participant'))],
    createdAtMs: atMs,
    lastAtMs: atMs,
    eventCount: 1,
  };
  const event: ConferenceEvent = {
    seq: 1,
    at: iso(atMs),
    type: 'created',
    hostMsisdn: input.host.msisdn,
    participants: input.invitees.length + 1,
    ...(input.startAtMs === null ? {} : { startAt: iso(input.startAtMs) }),
  };
  return { conference, events: [event] };
}

/**
 * The bridge's answer to a dial-in's PIN, a pure question: the same number as an invited
 * participant (a busy one who got the SMS, the host) rejoins as that participant, anyone else
 * joins as a new one (`newId`). The host gets in even when the room is locked, nobody beyond
 * the cap. Null: an ended conference (the PIN no longer opens anything).
 */
export function answerDialIn(conference: Conference, msisdn: string, newId: string): DialInAnswer | null {
  if (conference.state === 'ended') return null;
  if (conference.state === 'scheduled')
    return { kind: 'not_started', startAtMs: conference.startAtMs ?? conference.createdAtMs };
  const same = conference.participants.filter((p) => p.msisdn === msisdn && p.state !== 'joined');
  const known = same.find((p) => p.role === 'host') ?? same[0];
  const role = known?.role ?? 'participant';
  if (conference.locked && role !== 'host') return { kind: 'refused', reason: 'locked' };
  if (joinedCount(conference) >= conference.maxParticipants) return { kind: 'refused', reason: 'full' };
  return { kind: 'join', participantId: known?.id ?? newId, role };
}

/** When the conference's scheduled work falls due: its start, then the end of its duration. */
export function dueAtMs(conference: Conference): number | null {
  if (conference.state === 'scheduled') return conference.startAtMs;
  if (
    conference.state === 'active' &&
    conference.durationMinutes !== null &&
    conference.startedAtMs !== null
  ) {
    return conference.startedAtMs + conference.durationMinutes * 60_000;
  }
  return null;
}
