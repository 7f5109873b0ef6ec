import { randomInt } from 'node:crypto';
import { DateTime } from 'luxon';
import { DEFAULT_TIMEZONE } from '../domain/group-rules.js';
import { newId } from '../domain/ids.js';
import { toE164 } from '../domain/phone.js';
import type { Call, PinAdmission } from '../engines/calls/index.js';
import {
  answerDialIn,
  applyConferenceAction,
  type Conference,
  type ConferenceAction,
  type ConferenceEffect,
  type ConferenceEnvironment,
  type ConferenceEvent,
  type ConferenceState,
  type ConferenceTransition,
  createConference,
  dueAtMs,
  type Participant,
  CONFERENCE_PROMPTS as PROMPTS,
} from '../engines/conference/index.js';
import type { Directory } from '../engines/directory.js';
import { AppError, notFound } from '../http/error-catalogue.js';
import { type Clock, isSimulated } from '../sim/clock.js';
import type { ConferenceRepo, ConferenceUsage } from '../store/conference-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { Principal } from './api-keys.js';
import type { CallService, ConferenceBridge } from './calls.js';
import {
  createParticipantResolver,
  type NewConferenceInput,
  type ParticipantRef,
} from './conference-participants.js';
import type { ContactService } from './contacts.js';
import type { MessageService } from './messages.js';
import type { TariffService } from './tariffs.js';

export type { NewConferenceInput, ParticipantRef };

export type ConferenceCommand = 'mute_all' | 'unmute_all' | 'lock' | 'unlock' | 'end';

/** The bridge reads its own legs whatever their groups. */
const SYSTEM: Principal = { kind: 'admin', id: 'admin', canSee: () => true };

/** The longest a real-clock timer may wait in one go (setTimeout's limit); it re-arms after. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const STATUS_OF_REFUSAL = {
  conference_ended: 'conference_ended',
  conference_not_active: 'conference_not_active',
  conference_full: 'conference_full',
  conference_locked: 'conference_locked',
  participant_not_found: 'not_found',
  already_participant: 'already_participant',
  host_cannot_be_removed: 'host_cannot_be_removed',
  duration_too_short: 'duration_too_short',
  stale_leg: 'conference_not_active',
} as const;

/**
 * The conference bridge (移动会议电话): rooms in memory for speed, each change persisted before
 * it is acknowledged. The room machine (src/engines/conference) decides; this service carries
 * out its effects through the calls service (dial-out legs, announcements, dropped legs) and
 * messages (the SMS with the access number and PIN), and hears about its legs from the calls
 * service after each committed call transition (`bridge`).
 *
 * Scheduled work (starts, ends of duration) runs on a timer with the real clock and as the
 * simulated clock passes it; a restart reloads unfinished conferences and re-arms it.
 */
export function createConferenceService(deps: {
  repo: ConferenceRepo;
  calls: Pick<CallService, 'dialConferenceLeg' | 'dropCall' | 'note' | 'get'>;
  messages: Pick<MessageService, 'notify'>;
  contacts: Pick<ContactService, 'resolve'>;
  tariffs: Pick<TariffService, 'ratesAtOrFirst'>;
  directory: Directory;
  clock: Clock;
  accessNumber: string;
  defaultMaxParticipants: number;
  onError?: (error: unknown) => void;
}) {
  const { repo, directory, clock, accessNumber } = deps;
  /** Conferences not yet ended. */
  const live = new Map<string, Conference>();
  /** PIN → live conference id. */
  const byPin = new Map<string, string>();
  const timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  const report = (error: unknown) => deps.onError?.(error);

  const people = createParticipantResolver({
    directory,
    contacts: deps.contacts,
    defaultMaxParticipants: deps.defaultMaxParticipants,
  });
  const { inviteeFields } = people;
  const env: ConferenceEnvironment = {
    resolveNumber(digits) {
      const msisdn = toE164(digits);
      return msisdn === null ? null : inviteeFields(msisdn);
    },
  };

  // ---- memory, persistence, effects -------------------------------------------------------

  function involvedGroups(conference: Conference): Set<string> {
    const groups = new Set<string>();
    if (conference.groupId !== null) groups.add(conference.groupId);
    for (const p of conference.participants) if (p.groupId !== null) groups.add(p.groupId);
    return groups;
  }

  function remember(conference: Conference): void {
    if (conference.state === 'ended') {
      live.delete(conference.id);
      if (byPin.get(conference.pin) === conference.id) byPin.delete(conference.pin);
    } else {
      live.set(conference.id, conference);
      byPin.set(conference.pin, conference.id);
    }
    arm(conference);
  }

  /** Persists a transition (document, events, newly involved groups), then carries out its effects. */
  function commit(
    before: Conference | null,
    conference: Conference,
    events: ConferenceEvent[],
    effects: ConferenceEffect[],
  ): Conference {
    if (before === conference && events.length === 0 && effects.length === 0) return conference;
    const known = before === null ? new Set<string>() : involvedGroups(before);
    const added = [...involvedGroups(conference)].filter((g) => !known.has(g));
    repo.save(before, conference, events, added, clock.now());
    remember(conference);
    for (const effect of effects) {
      try {
        carryOut(conference, effect);
      } catch (error) {
        report(error);
      }
    }
    return live.get(conference.id) ?? conference;
  }

  function carryOut(conference: Conference, effect: ConferenceEffect): void {
    const atMs = conference.lastAtMs;
    switch (effect.kind) {
      case 'dial': {
        const call = deps.calls.dialConferenceLeg(
          {
            conferenceId: conference.id,
            participantId: effect.participantId,
            from: accessNumber,
            to: {
              msisdn: effect.msisdn,
              ...(effect.memberId === null ? {} : { memberId: effect.memberId }),
              ...(effect.groupId === null ? {} : { groupId: effect.groupId }),
            },
            billingGroupId: conference.groupId,
          },
          atMs,
        );
        // The leg may have answered (or not) already, by a subscriber's behaviour: then it is known.
        quietly(
          conference.id,
          { kind: 'leg_dialled', participantId: effect.participantId, callId: call.id },
          atMs,
        );
        return;
      }
      case 'sms':
        deps.messages.notify({
          from: accessNumber,
          to: effect.to,
          text: effect.text,
          atMs,
          groupId: conference.groupId,
        });
        return;
      case 'announce':
        deps.calls.note(
          effect.callId,
          effect.type,
          { text: effect.text, conferenceId: conference.id, ...effect.detail },
          atMs,
        );
        return;
      case 'drop_leg':
        deps.calls.dropCall(effect.callId, effect.cause, atMs, effect.announcement);
        return;
      case 'write_charge':
        // Written with the ended conference's row (participantMinutes, chargeFen) in commit.
        return;
    }
  }

  /** Applies an action to the live conference; a refusal becomes the API's error. */
  function apply(conference: Conference, action: ConferenceAction, atMs: number): Conference {
    const t = applyConferenceAction(conference, action, atMs, env);
    if (!t.ok) throw refusal(t);
    return atomically(conference.id, () => commit(conference, t.conference, t.events, t.effects));
  }

  /** For the legs' callbacks: a refusal (a stale leg, an ended room) changes nothing. */
  function quietly(id: string, action: ConferenceAction, atMs: number): ConferenceTransition {
    const conference = live.get(id);
    if (conference === undefined) return { ok: false, code: 'conference_ended', detail: 'not live' };
    const t = applyConferenceAction(conference, action, atMs, env);
    if (t.ok) atomically(id, () => commit(conference, t.conference, t.events, t.effects));
    return t;
  }

  /**
   * One transaction for a whole change: the room, its events and what its effects write through
   * the calls service (legs, announcements) commit together. If it rolls back, the room in
   * memory is read back from what was committed.
   */
  function atomically<T>(id: string | null, work: () => T): T {
    try {
      return repo.transaction(work);
    } catch (error) {
      if (id !== null) restore(id);
      throw error;
    }
  }

  function restore(id: string): void {
    repo.forget(id);
    const committed = repo.get(id);
    if (committed === undefined || committed.state === 'ended') {
      const known = live.get(id);
      live.delete(id);
      if (known !== undefined && byPin.get(known.pin) === id) byPin.delete(known.pin);
      if (committed !== undefined) remember(committed);
    } else {
      remember(committed);
    }
  }

  function refusal(t: Extract<ConferenceTransition, { ok: false }>): AppError {
    return new AppError(STATUS_OF_REFUSAL[t.code], t.detail);
  }

  // ---- scheduled work ---------------------------------------------------------------------

  /** Real clock: one timer per conference, for its next due work; re-armed only when that moves. */
  function arm(conference: Conference): void {
    if (isSimulated(clock)) return; // the clock's advance runs due work
    const due = conference.state === 'ended' ? null : dueAtMs(conference);
    const armed = timers.get(conference.id);
    if (armed !== undefined && armed.due === due) return;
    if (armed !== undefined) {
      clearTimeout(armed.timer);
      timers.delete(conference.id);
    }
    if (due === null) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, due - clock.now()));
    const timer = setTimeout(() => {
      timers.delete(conference.id);
      runDue(clock.now());
      // Past setTimeout's limit the timer fired early: arm it again for what is left.
      const current = live.get(conference.id);
      if (current !== undefined) arm(current);
    }, delay);
    timer.unref();
    timers.set(conference.id, { timer, due });
  }

  /** Starts and ends whatever fell due by `nowMs`, earliest first, each at its own due time. */
  function runDue(nowMs: number): void {
    const tried = new Set<string>();
    for (;;) {
      let next: Conference | undefined;
      let nextDue = Number.POSITIVE_INFINITY;
      for (const conference of live.values()) {
        const due = dueAtMs(conference);
        if (
          due !== null &&
          due <= nowMs &&
          due < nextDue &&
          !tried.has(`${conference.id}:${conference.state}`)
        ) {
          next = conference;
          nextDue = due;
        }
      }
      if (next === undefined) return;
      tried.add(`${next.id}:${next.state}`);
      try {
        if (next.state === 'scheduled') start(next, nextDue);
        else apply(next, { kind: 'end', cause: 'duration_elapsed' }, nextDue);
      } catch (error) {
        report(error);
      }
    }
  }

  function start(conference: Conference, atMs: number): Conference {
    const rates = deps.tariffs.ratesAtOrFirst(atMs);
    return apply(
      conference,
      { kind: 'start', fenPerParticipantMinute: rates?.conference.fenPerParticipantMinute ?? 0 },
      atMs,
    );
  }

  // ---- scope and look-ups -----------------------------------------------------------------

  const visible = (conference: Conference, principal: Principal) =>
    principal.kind === 'admin' || [...involvedGroups(conference)].some((g) => principal.canSee(g));

  function require(id: string, principal: Principal): Conference {
    const conference = live.get(id) ?? repo.get(id);
    if (conference === undefined || !visible(conference, principal)) throw notFound('conference');
    return conference;
  }

  function requireLive(id: string, principal: Principal): Conference {
    const conference = require(id, principal);
    if (conference.state === 'ended') throw new AppError('conference_ended', `conference ${id} has ended`);
    return conference;
  }

  function newPin(): string {
    for (;;) {
      const pin = randomInt(0, 1_000_000).toString().padStart(6, '0');
      if (!byPin.has(pin)) return pin;
    }
  }

  function startsAtText(conference: Conference, startAtMs: number): string {
    const zone =
      (conference.groupId && directory.groups.get(conference.groupId)?.timezone) || DEFAULT_TIMEZONE;
    return DateTime.fromMillis(startAtMs, { zone }).toFormat("yyyy-MM-dd HH:mm 'UTC'ZZ");
  }

  // ---- the calls service's side: PINs and legs --------------------------------------------

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
      if (!t.ok) deps.calls.dropCall(call.id, t.code, atMs, PROMPTS.ended);
    },

    legAnswered(call: Call, atMs: number): void {
      const t = quietly(
        call.conferenceId ?? '',
        { kind: 'leg_answered', participantId: call.participantId ?? '', callId: call.id },
        atMs,
      );
      // An ended room, or a leg replaced meanwhile: the answer finds nobody.
      if (!t.ok)
        deps.calls.dropCall(
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
   * A leg's end and the room's answer to it are two commits: a crash between them leaves a stay
   * open on a call that ended. At start such stays are closed as the leg's end would have.
   */
  function reconcile(conference: Conference): void {
    for (const p of conference.participants) {
      if (p.callId === null || (p.state !== 'joined' && p.state !== 'dialing')) continue;
      let call: Call;
      try {
        call = deps.calls.get(p.callId, SYSTEM);
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
      quietly(conference.id, action, atMs);
    }
  }

  // Resume unfinished conferences: a restart loses none, and their scheduled work is re-armed.
  for (const conference of repo.unfinished()) remember(conference);
  for (const conference of [...live.values()]) if (conference.state === 'active') reconcile(conference);
  const unsubscribe = isSimulated(clock) ? clock.onAdvance(runDue) : () => {};

  const participantOf = (conference: Conference, participantId: string): Participant => {
    const p = conference.participants.find((x) => x.id === participantId);
    if (p === undefined) throw notFound('participant');
    return p;
  };

  return {
    bridge,

    create(input: NewConferenceInput, principal: Principal): Conference {
      const now = clock.now();
      const { groupId, host, invitees, maxParticipants } = people.resolveNew(input, principal);
      if (input.pin !== undefined && byPin.has(input.pin)) {
        throw new AppError('pin_taken', 'another conference not yet ended has this PIN', [
          { path: 'body.pin', message: 'taken by a conference not yet ended' },
        ]);
      }
      const created = createConference(
        {
          id: newId('conf'),
          groupId,
          title: input.title ?? null,
          host,
          accessNumber,
          pin: input.pin ?? newPin(),
          maxParticipants,
          endWhenHostLeaves: input.endWhenHostLeaves ?? false,
          startAtMs: input.startAtMs !== undefined && input.startAtMs > now ? input.startAtMs : null,
          durationMinutes: input.durationMinutes ?? null,
          invitees,
        },
        now,
      );
      return atomically(created.conference.id, () => {
        const conference = commit(null, created.conference, created.events, []);
        return conference.startAtMs === null ? start(conference, now) : conference;
      });
    },

    get: (id: string, principal: Principal): Conference => require(id, principal),

    list(
      filter: { state?: ConferenceState | undefined; groupId?: string | undefined },
      page: PageRequest,
      principal: Principal,
    ): Page<Conference> {
      if (filter.groupId !== undefined && !principal.canSee(filter.groupId)) throw notFound('group');
      const scope = principal.kind === 'admin' ? null : principal.groupIds;
      // Live rooms answer from memory (the row may lag a leg's callback by nothing, but memory is the truth).
      return toPage(repo.list({ ...filter, scope }, page), page.limit, (c) => live.get(c.id) ?? c);
    },

    /** Adds (and on a running conference dials) a participant; answers that participant. */
    addParticipant(id: string, ref: ParticipantRef, principal: Principal): Participant {
      const conference = requireLive(id, principal);
      const invitee = people.resolve(ref, 'body', {
        groupId: conference.groupId,
        hostMsisdn: conference.hostMsisdn,
      });
      const t = applyConferenceAction(conference, { kind: 'add', invitee }, clock.now(), env);
      if (!t.ok) throw refusal(t);
      const added = t.events.find((e) => e.type === 'added')?.participantId as string;
      const latest = atomically(id, () => commit(conference, t.conference, t.events, t.effects));
      return participantOf(latest, added);
    },

    setMuted(id: string, participantId: string, muted: boolean, principal: Principal): Participant {
      const conference = requireLive(id, principal);
      participantOf(conference, participantId);
      return participantOf(
        apply(conference, { kind: 'set_muted', participantId, muted }, clock.now()),
        participantId,
      );
    },

    kick(id: string, participantId: string, principal: Principal): Participant {
      const conference = requireLive(id, principal);
      participantOf(conference, participantId);
      const latest = apply(conference, { kind: 'kick', participantId }, clock.now());
      return participantOf(live.get(id) ?? repo.get(id) ?? latest, participantId);
    },

    /** mute_all, unmute_all, lock, unlock, end; ending an ended conference is a 200 that changes nothing. */
    act(id: string, command: ConferenceCommand, principal: Principal): Conference {
      const conference = require(id, principal);
      const action: ConferenceAction =
        command === 'end' ? { kind: 'end', cause: 'ended_by_api' } : { kind: command };
      const latest = apply(conference, action, clock.now());
      return live.get(id) ?? repo.get(id) ?? latest;
    },

    /** Sets a new duration (from the start): extends or shortens a conference's planned end. */
    update(id: string, patch: { durationMinutes: number }, principal: Principal): Conference {
      const conference = requireLive(id, principal);
      const latest = apply(
        conference,
        { kind: 'extend', durationMinutes: patch.durationMinutes },
        clock.now(),
      );
      return live.get(id) ?? repo.get(id) ?? latest;
    },

    events(id: string, page: PageRequest, principal: Principal): Page<ConferenceEvent> {
      require(id, principal);
      const after = page.cursor === undefined ? 0 : Number.parseInt(page.cursor, 10);
      if (!Number.isSafeInteger(after) || after < 0) {
        throw new AppError('validation_failed', 'cursor must be an event number', [
          { path: 'query.cursor', message: 'not a cursor of this list' },
        ]);
      }
      const rows = repo.events(id, after, page.limit + 1);
      const more = rows.length > page.limit;
      const items = more ? rows.slice(0, page.limit) : rows;
      return { items, nextCursor: more ? String(items[items.length - 1]!.seq) : null };
    },

    /** Conferences billed to the group that ended in [fromMs, toMs): for the group's bill. */
    usageOf: (groupId: string, fromMs: number, toMs: number): ConferenceUsage =>
      repo.usage(groupId, fromMs, toMs),

    /** Live conferences in memory (benchmarks, health). */
    liveCount: () => live.size,

    /** Stops timers (app close). */
    stop(): void {
      unsubscribe();
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type ConferenceService = ReturnType<typeof createConferenceService>;
