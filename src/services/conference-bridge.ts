import { DateTime } from 'luxon';
import { DEFAULT_TIMEZONE } from '../domain/group-rules.js';
import { newId } from '../domain/ids.js';
import type { Call, PinAdmission } from '../engines/calls/index.js';
import {
  answerDialIn,
  type Conference,
  type ConferenceAction,
  type ConferenceTransition,
  type Invitee,
  CONFERENCE_PROMPTS as PROMPTS,
} from '../engines/conference/index.js';
import type { Principal } from './api-keys.js';
import type { CallService } from './calls.js';
import type { ConferenceBridge } from './conference-port.js';

/** The bridge reads its own legs whatever their groups. */
const SYSTEM: Principal = { kind: 'admin', id: 'admin', canSee: () => true };

/**
 * The conference bridge as the calls service sees it: it admits dial-ins by PIN and turns what
 * happens on the legs (answered, unreached, left, keys pressed) into actions on their rooms.
 * An action the room refuses (a stale leg, an ended room) changes nothing; a leg that finds
 * nobody to join is dropped with the announcement.
 */
export function createConferenceBridge(deps: {
  /** Conferences not yet ended. */
  live: ReadonlyMap<string, Conference>;
  /** PIN → live conference id. */
  byPin: ReadonlyMap<string, string>;
  /** Applies an action to a live room; a refusal is answered, not thrown. */
  quietly(id: string, action: ConferenceAction, atMs: number): ConferenceTransition;
  inviteeFields(msisdn: string): Omit<Invitee, 'id'>;
  calls: Pick<CallService, 'dropCall' | 'get'>;
  /** The IANA zone of a group, for the prompt saying when a conference starts. */
  zoneOf(groupId: string | null): string | undefined;
}) {
  const { live, byPin, quietly, inviteeFields, calls } = deps;

  function startsAtText(conference: Conference, startAtMs: number): string {
    const zone = deps.zoneOf(conference.groupId) || DEFAULT_TIMEZONE;
    return DateTime.fromMillis(startAtMs, { zone }).toFormat("yyyy-MM-dd HH:mm 'UTC'ZZ");
  }

  const bridge: ConferenceBridge = {
    admitByPin(pin: string, call: Call): PinAdmission {
      const id = byPin.get(pin);
      const conference = id === undefined ? undefined : live.get(id);
      if (conference === undefined) return { kind: 'unknown' };
      const answer = answerDialIn(conference, call.from, newId('cpt'));
      if (answer === null) return { kind: 'unknown' };
      switch (answer.kind) {
        case 'not_started': {
          const when = startsAtText(conference, answer.startAtMs);
          return {
            kind: 'refused',
            announcement: `会议尚未开始，将于${when}开始，请届时再拨。The conference has not started: it starts at ${when}; please call again then.`,
            cause: 'conference_not_started',
          };
        }
        case 'refused':
          return {
            kind: 'refused',
            announcement: answer.reason === 'full' ? PROMPTS.full : PROMPTS.locked,
            cause: `conference_${answer.reason}`,
          };
        case 'join':
          return {
            kind: 'join',
            conferenceId: conference.id,
            participantId: answer.participantId,
            announcement: PROMPTS.joined,
          };
      }
    },

    joined(call: Call, participantId: string, atMs: number): void {
      const invitee = { id: participantId, ...inviteeFields(call.from) };
      const t = quietly(call.conferenceId ?? '', { kind: 'dial_in', invitee, callId: call.id }, atMs);
      if (!t.ok) calls.dropCall(call.id, t.code, atMs, PROMPTS.ended);
    },

    legAnswered(call: Call, atMs: number): void {
      const t = quietly(
        call.conferenceId ?? '',
        { kind: 'leg_answered', participantId: call.participantId ?? '', callId: call.id },
        atMs,
      );
      // An ended room, or a leg replaced meanwhile: the answer finds nobody.
      if (!t.ok)
        calls.dropCall(
          call.id,
          t.code === 'stale_leg' ? 'stale_leg' : 'conference_ended',
          atMs,
          PROMPTS.ended,
        );
    },

    legUnreached(call, response, atMs): void {
      quietly(
        call.conferenceId ?? '',
        { kind: 'leg_unreached', participantId: call.participantId ?? '', callId: call.id, response },
        atMs,
      );
    },

    legLeft(call: Call, atMs: number): void {
      quietly(
        call.conferenceId ?? '',
        { kind: 'leg_left', participantId: call.participantId ?? '', callId: call.id },
        atMs,
      );
    },

    keys(call: Call, digits: string, atMs: number): void {
      quietly(
        call.conferenceId ?? '',
        {
          kind: 'keys',
          participantId: call.participantId ?? '',
          callId: call.id,
          digits,
          nextId: newId('cpt'),
        },
        atMs,
      );
    },
  };

  /**
   * A leg's end and the room's answer to it may be two commits (a leg ended by another process,
   * or by a version before both were one unit): a crash between them leaves a stay open on a
   * call that ended. At start such stays are closed as the leg's end would have: these are the
   * actions that close them, read before any is applied.
   */
  async function endedLegs(conference: Conference): Promise<{ action: ConferenceAction; atMs: number }[]> {
    const closing: { action: ConferenceAction; atMs: number }[] = [];
    for (const p of conference.participants) {
      if (p.callId === null || (p.state !== 'joined' && p.state !== 'dialing')) continue;
      let call: Call;
      try {
        call = await calls.get(p.callId, SYSTEM);
      } catch {
        continue;
      }
      if (call.state !== 'ended') continue;
      const atMs = call.endedAtMs ?? call.lastAtMs;
      const action: ConferenceAction =
        p.state === 'joined'
          ? { kind: 'leg_left', participantId: p.id, callId: call.id }
          : {
              kind: 'leg_unreached',
              participantId: p.id,
              callId: call.id,
              response:
                call.endCause === 'busy' ? 'busy' : call.endCause === 'rejected' ? 'reject' : 'no_answer',
            };
      closing.push({ action, atMs });
    }
    return closing;
  }

  return { bridge, endedLegs };
}
