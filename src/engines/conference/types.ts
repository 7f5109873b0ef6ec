/**
 * The conference bridge (移动会议电话) as plain data: what the room machine reads and returns,
 * what the store persists (a header, a row per participant, the log), and (through a view)
 * what the API shows.
 */

export const CONFERENCE_STATES = ['scheduled', 'active', 'ended'] as const;
export type ConferenceState = (typeof CONFERENCE_STATES)[number];

/**
 * A participant's state. `invited`: on a scheduled conference, dialled at its start. `refused`:
 * answered a dial-out when the room was full or locked (the leg heard why and was ended).
 */
export const PARTICIPANT_STATES = [
  'invited',
  'dialing',
  'joined',
  'rejected',
  'busy',
  'no_answer',
  'refused',
  'left',
  'kicked',
] as const;
export type ParticipantState = (typeof PARTICIPANT_STATES)[number];

export type ParticipantRole = 'host' | 'participant';

/** A dial-out nobody answered: what the alerted phone did. */
export type Unreached = 'reject' | 'busy' | 'no_answer';

/** One stay in the room: a leg (call) from its join to its leave. */
export interface Leg {
  callId: string;
  joinedAtMs: number;
  leftAtMs: number | null;
}

export interface Participant {
  id: string;
  /** E.164. */
  msisdn: string;
  memberId: string | null;
  /** The member's group, when a member: what a partner key's scope sees. */
  groupId: string | null;
  name: string | null;
  role: ParticipantRole;
  state: ParticipantState;
  muted: boolean;
  /** The current (or last) leg. */
  callId: string | null;
  /** The first join. */
  joinedAtMs: number | null;
  /** The last leave (null while joined). */
  leftAtMs: number | null;
  /** Why the participant is not (or no longer) in the room: `busy`, `hangup`, `kicked`, `full`, … */
  cause: string | null;
  legs: Leg[];
  /** Handset keys pressed on the leg and not yet a whole command (`*`, `*5138`). */
  keys: string;
}

export interface Conference {
  id: string;
  /** The group billed: the host's. Null for a host outside every group who named none. */
  groupId: string | null;
  title: string | null;
  /** E.164. */
  hostMsisdn: string;
  accessNumber: string;
  pin: string;
  state: ConferenceState;
  maxParticipants: number;
  locked: boolean;
  endWhenHostLeaves: boolean;
  /** When a scheduled conference starts; null: at once. */
  startAtMs: number | null;
  /** Ends this long after the start unless extended; null: no limit. */
  durationMinutes: number | null;
  startedAtMs: number | null;
  endedAtMs: number | null;
  endCause: string | null;
  /** The tariff's rate in force at the start, fixed for the conference. */
  fenPerParticipantMinute: number | null;
  /** Set when the conference ends: started minutes of each participant's joined time, summed. */
  participantMinutes: number | null;
  chargeFen: number | null;
  participants: Participant[];
  createdAtMs: number;
  /** The time of the last transition: the room's clock never runs backwards. */
  lastAtMs: number;
  /** Events written so far (the log itself is stored apart). */
  eventCount: number;
}

/** One entry of the conference's event log: `at` is ISO 8601, the rest depends on `type`. */
export interface ConferenceEvent {
  seq: number;
  at: string;
  type: string;
  [detail: string]: unknown;
}

/** A participant-to-be: who to dial, resolved by the service (E.164, member, name). */
export interface Invitee {
  id: string;
  msisdn: string;
  memberId: string | null;
  groupId: string | null;
  name: string | null;
}

/** What the room needs from the world, as plain lookups. */
export interface ConferenceEnvironment {
  /** Digits a host keyed after `*5` → who to dial; null when not a callable number. */
  resolveNumber(digits: string): Omit<Invitee, 'id'> | null;
}

export type ConferenceAction =
  | { kind: 'start'; fenPerParticipantMinute: number }
  | { kind: 'add'; invitee: Invitee }
  | { kind: 'kick'; participantId: string }
  | { kind: 'set_muted'; participantId: string; muted: boolean }
  | { kind: 'mute_all' }
  | { kind: 'unmute_all' }
  | { kind: 'lock' }
  | { kind: 'unlock' }
  | { kind: 'end'; cause: string }
  | { kind: 'extend'; durationMinutes: number }
  | { kind: 'leg_dialled'; participantId: string; callId: string }
  | { kind: 'leg_answered'; participantId: string; callId: string }
  | { kind: 'leg_unreached'; participantId: string; callId: string; response: Unreached }
  | { kind: 'leg_left'; participantId: string; callId: string }
  | { kind: 'dial_in'; invitee: Invitee; callId: string }
  /** Keys on a joined leg; `nextId` names a participant that `*5` may add. */
  | { kind: 'keys'; participantId: string; callId: string; digits: string; nextId: string };

export type ConferenceActionKind = ConferenceAction['kind'];

/** What a service carries out after committing a transition. */
export type ConferenceEffect =
  /** The platform dials a participant (平台外呼). */
  | { kind: 'dial'; participantId: string; msisdn: string; memberId: string | null; groupId: string | null }
  /** A notice to a participant nobody reached: the access number and PIN. */
  | { kind: 'sms'; participantId: string; to: string; text: string }
  /** Something the participant on a leg hears (an event on that call). */
  | { kind: 'announce'; callId: string; type: string; text: string; detail: Record<string, unknown> }
  /** The platform ends a leg, after an announcement. */
  | { kind: 'drop_leg'; callId: string; cause: string; announcement: string }
  /** The conference's charge, billed to its group, written with the ended conference. */
  | {
      kind: 'write_charge';
      groupId: string | null;
      participantMinutes: number;
      chargeFen: number;
    };

export type ConferenceRefusal =
  | 'conference_ended'
  | 'conference_not_active'
  | 'conference_full'
  | 'conference_locked'
  | 'participant_not_found'
  | 'already_participant'
  | 'host_cannot_be_removed'
  | 'duration_too_short'
  | 'stale_leg';

export type ConferenceTransition =
  | { ok: true; conference: Conference; effects: ConferenceEffect[]; events: ConferenceEvent[] }
  | { ok: false; code: ConferenceRefusal; detail: string };

/** A dial-in's PIN, as the bridge answers it (a pure question: joining happens after). */
export type DialInAnswer =
  | { kind: 'join'; participantId: string; role: ParticipantRole }
  | { kind: 'not_started'; startAtMs: number }
  | { kind: 'refused'; reason: 'full' | 'locked' };
