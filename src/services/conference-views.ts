import {
  type Conference,
  dueAtMs,
  joinedCount,
  minutesOf,
  type Participant,
} from '../engines/conference/index.js';
import { hides, type Reader } from './redaction.js';
import { iso } from './views.js';

/**
 * What the API shows of conferences and their participants (times in ISO 8601), to `reader`:
 * another tenant's participant as its number only, another tenant's group as null (see
 * redaction.ts). Title and PIN show: the invitation SMS tells every invitee both.
 */

export function participantView(p: Participant, reader: Reader) {
  const hidden = hides(reader, p.groupId);
  return {
    id: p.id,
    msisdn: p.msisdn,
    memberId: hidden ? null : p.memberId,
    name: hidden ? null : p.name,
    role: p.role,
    state: p.state,
    muted: p.muted,
    callId: p.callId,
    joinedAt: p.joinedAtMs === null ? null : iso(p.joinedAtMs),
    leftAt: p.leftAtMs === null ? null : iso(p.leftAtMs),
    cause: p.cause,
    legs: p.legs.map((leg) => ({
      callId: leg.callId,
      joinedAt: iso(leg.joinedAtMs),
      leftAt: leg.leftAtMs === null ? null : iso(leg.leftAtMs),
    })),
    minutes: minutesOf(p),
  };
}

export type ParticipantView = ReturnType<typeof participantView>;

export function conferenceView(c: Conference, reader: Reader) {
  const endsAtMs = dueAtMs(c) !== null && c.state === 'active' ? dueAtMs(c) : null;
  return {
    id: c.id,
    groupId: hides(reader, c.groupId) ? null : c.groupId,
    title: c.title,
    state: c.state,
    accessNumber: c.accessNumber,
    pin: c.pin,
    hostMsisdn: c.hostMsisdn,
    maxParticipants: c.maxParticipants,
    locked: c.locked,
    endWhenHostLeaves: c.endWhenHostLeaves,
    joinedCount: joinedCount(c),
    startAt: c.startAtMs === null ? null : iso(c.startAtMs),
    durationMinutes: c.durationMinutes,
    startedAt: c.startedAtMs === null ? null : iso(c.startedAtMs),
    endsAt: endsAtMs === null ? null : iso(endsAtMs),
    endedAt: c.endedAtMs === null ? null : iso(c.endedAtMs),
    endCause: c.endCause,
    participants: c.participants.map((p) => participantView(p, reader)),
    ...(c.state === 'ended'
      ? { participantMinutes: c.participantMinutes ?? 0, chargeFen: c.chargeFen ?? 0 }
      : {}),
    createdAt: iso(c.createdAtMs),
  };
}

export type ConferenceView = ReturnType<typeof conferenceView>;
