import { randomInt } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { toE164 } from '../domain/phone.js';
import {
  applyConferenceAction,
  type Conference,
  type ConferenceAction,
  type ConferenceEffect,
  type ConferenceEnvironment,
  type ConferenceEvent,
  type ConferenceState,
  type ConferenceTransition,
  createConference,
  type Participant,
} from '../engines/conference/index.js';

import type { ConferenceRepo, ConferenceUsage } from '../store/conference-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { RoutingDirectory } from '../store/routing-directory/index.js';
import type { Principal } from './api-keys.js';
import type { CallService } from './calls.js';
import { createConferenceBridge } from './conference-bridge.js';
import {
  createParticipantResolver,
  type NewConferenceInput,
  type ParticipantRef,
} from './conference-participants.js';
import type { ConferencePort } from './conference-port.js';
import { createConferenceSchedule } from './conference-schedule.js';
import type { ContactService } from './contacts.js';
import type { MessageService } from './messages.js';
import type { TariffService } from './tariffs.js';

export type { NewConferenceInput, ParticipantRef };

export type ConferenceCommand = 'mute_all' | 'unmute_all' | 'lock' | 'unlock' | 'end';

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
 * service after each committed call transition (`bridge`, in conference-bridge.ts).
 *
 * Scheduled work (starts, ends of duration; conference-schedule.ts) runs on a timer with the
 * real clock and as the simulated clock passes it; a restart reloads unfinished conferences
 * and re-arms it.
 */
export function createConferenceService(deps: {
  repo: ConferenceRepo;
  calls: Pick<CallService, 'dialConferenceLeg' | 'dropCall' | 'note' | 'get'>;
  messages: Pick<MessageService, 'notify'>;
  contacts: Pick<ContactService, 'resolve'>;
  tariffs: Pick<TariffService, 'ratesAtOrFirst'>;
  /** Served with this service's bridge once its rooms are resumed (the calls service's side). */
  port: Pick<ConferencePort, 'serve'>;
  directory: RoutingDirectory;
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
    schedule.arm(conference);
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
        // The message service writes through the async store (this service does not yet): a
        // failure is reported as any effect's is, and does not undo the room's change.
        deps.messages
          .notify({
            from: accessNumber,
            to: effect.to,
            text: effect.text,
            atMs,
            groupId: conference.groupId,
          })
          .catch(report);
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

  const schedule = createConferenceSchedule({
    clock,
    live,
    start: (conference, atMs) => start(conference, atMs),
    end: (conference, atMs) => apply(conference, { kind: 'end', cause: 'duration_elapsed' }, atMs),
    report,
  });

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

  const legs = createConferenceBridge({
    live,
    byPin,
    quietly,
    inviteeFields,
    calls: deps.calls,
    zoneOf: (groupId) => (groupId === null ? undefined : directory.groups.get(groupId)?.timezone),
  });

  // Resume unfinished conferences: a restart loses none, and their scheduled work is re-armed.
  for (const conference of repo.unfinished()) remember(conference);
  for (const conference of [...live.values()]) if (conference.state === 'active') legs.reconcile(conference);
  // Only now does the calls service hear from and about conference legs: the resumed rooms are
  // reconciled with the calls as they were.
  deps.port.serve(legs.bridge);

  const participantOf = (conference: Conference, participantId: string): Participant => {
    const p = conference.participants.find((x) => x.id === participantId);
    if (p === undefined) throw notFound('participant');
    return p;
  };

  return {
    async create(input: NewConferenceInput, principal: Principal): Promise<Conference> {
      // Address-book entries are read from the store first; from the clock on, nothing awaits,
      // so the PIN check and the commit see the same rooms.
      const { groupId, host, invitees, maxParticipants } = await people.resolveNew(input, principal);
      const now = clock.now();
      if (input.pin !== undefined && byPin.has(input.pin)) {
        throw new AppError('pin_taken', 'another conference not yet ended has this PIN', [
          { path: 'pin', message: 'taken by a conference not yet ended' },
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
    async addParticipant(id: string, ref: ParticipantRef, principal: Principal): Promise<Participant> {
      const { groupId, hostMsisdn } = requireLive(id, principal);
      const invitee = await people.resolve(ref, 'body', { groupId, hostMsisdn });
      // The room may have moved (or ended) while the address book was read: act on it as it is now.
      const conference = requireLive(id, principal);
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
          { path: 'cursor', message: 'not a cursor of this list' },
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
    stop: (): void => schedule.stop(),
  };
}

export type ConferenceService = ReturnType<typeof createConferenceService>;
