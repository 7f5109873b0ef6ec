import {
  applyConferenceAction,
  type Conference,
  type ConferenceAction,
  type ConferenceEnvironment,
  type ConferenceTransition,
  createConference,
  type Invitee,
} from '../../../../src/engines/conference/index.js';

export const AT = Date.parse('2026-11-24T09:00:00+08:00');
export const HOST = '+8613803110001';
export const NUMBERS = [
  '+8613803110002',
  '+8613803110003',
  '+8613803110004',
  '+8613803110005',
  '+8613803110006',
];

export const env: ConferenceEnvironment = {
  resolveNumber: (digits) =>
    /^1\d{10}$/.test(digits) ? { msisdn: `+86${digits}`, memberId: null, groupId: null, name: null } : null,
};

let ids = 0;
export const invitee = (msisdn: string, id = `p${++ids}`): Invitee => ({
  id,
  msisdn,
  memberId: null,
  groupId: 'g1',
  name: null,
});

export function room(
  options: { max?: number; participants?: string[]; startAtMs?: number | null } = {},
): Conference {
  return createConference(
    {
      id: 'conf-1',
      groupId: 'g1',
      title: '周会',
      host: invitee(HOST, 'host'),
      accessNumber: '95100',
      pin: '123456',
      maxParticipants: options.max ?? 10,
      endWhenHostLeaves: false,
      startAtMs: options.startAtMs ?? null,
      durationMinutes: null,
      invitees: (options.participants ?? NUMBERS.slice(0, 2)).map((m, i) => invitee(m, `p${i + 1}`)),
    },
    AT,
  ).conference;
}

/** Applies and expects success. */
export function ok(conference: Conference, action: ConferenceAction, atMs = conference.lastAtMs) {
  const t = applyConferenceAction(conference, action, atMs, env);
  if (!t.ok) throw new Error(`${action.kind} refused: ${t.code} ${t.detail}`);
  return t;
}

/** A started room whose dial-out legs are placed as call-<participantId>. */
export function started(conference: Conference): Conference {
  let c = ok(conference, { kind: 'start', fenPerParticipantMinute: 10 }).conference;
  for (const p of c.participants) {
    if (p.state === 'dialing')
      c = ok(c, { kind: 'leg_dialled', participantId: p.id, callId: `call-${p.id}` }).conference;
  }
  return c;
}

export function answered(c: Conference, participantId: string, atMs = c.lastAtMs): ConferenceTransition {
  return applyConferenceAction(
    c,
    { kind: 'leg_answered', participantId, callId: `call-${participantId}` },
    atMs,
    env,
  );
}

export const state = (c: Conference, id: string) => c.participants.find((p) => p.id === id)?.state;
