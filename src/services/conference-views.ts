import {
  type Conference,
  dueAtMs,
  joinedCount,
  minutesOf,
  type Participant,
} from '../engines/conference/index.js';
import { iso } from './views.js';

/** What the API shows of conferences and their participants (times in ISO 8601). */

export function participantView(p: Participant) {
  return {
    id: p.id,
    msisdn: p.msisdn,
    memberId: p.memberId,
    name: p.name,
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

export function conferenceView(c: Conference) {
  const endsAtMs = dueAtMs(c) !== null && c.state === 'active' ? dueAtMs(c) : null;
  return {
    id: c.id,
    groupId: c.groupId,
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
    participants: c.participants.map(participantView),
    ...(c.state === 'ended'
      ? { participantMinutes: c.participantMinutes ?? 0, chargeFen: c.chargeFen ?? 0 }
      : {}),
    createdAt: iso(c.createdAtMs),
  };
}

export type ConferenceView = ReturnType<typeof conferenceView>;
