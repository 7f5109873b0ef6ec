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

import type { ConferenceUsage } from '../store/conference-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { Repositories } from '../store/repositories.js';
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
import type { WriteUnits } from './write-units.js';

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
 * it is acknowledged. Every change is computed from memory with nothing awaited between reading
 * a room and moving it (the last seat goes to exactly one request); its write, and those of the
 * legs it moved, form the action's unit (write-units.ts), one transaction queued in order per
 * entity and awaited before the answer. Each write is a compare-and-set on the room's version:
 * if another process changed the room meanwhile, the change is refused (409
 * `concurrent_update`) and the room is read back from the store. The room machine (src/engines/conference) decides; this service carries
 * out its effects through the calls service (dial-out legs, announcements, dropped legs) and
 * messages (the SMS with the access number and PIN), and hears about its legs from the calls
 * service after each committed call transition (`bridge`, in conference-bridge.ts).
 *
 * Scheduled work (starts, ends of duration; conference-schedule.ts) runs on a timer with the
 * real clock and as the simulated clock passes it; a restart reloads unfinished conferences
 * and re-arms it.
 */
export async function createConferenceService(deps: {
  repo: Repositories['conferences'];
  units: WriteUnits;
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
  const { repo, directory, clock, accessNumber, units } = deps;
  /** Conferences not yet ended. */
  const live = new Map<string, Conference>();
  /** The version of each live room's row as its last recorded write leaves it. */
  const versions = new Map<string, number>();
  /** Rooms ended during the commit under way (no longer live): what it answers. */
  const endedNow = new Map<string, Conference>();
  let commitDepth = 0;
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

  /**
   * Records a transition's write (document, events, newly involved groups) in the action's unit,
   * then carries out its effects; answers the room as they leave it.
   */
  function commit(
    before: Conference | null,
    conference: Conference,
    events: ConferenceEvent[],
    effects: ConferenceEffect[],
  ): Conference {
    if (before === conference && events.length === 0 && effects.length === 0) return conference;
    commitDepth++;
    try {
      record(before, conference, events);
      remember(conference);
      if (conference.state === 'ended') endedNow.set(conference.id, conference);
      for (const effect of effects) {
        try {
          carryOut(conference, effect);
        } catch (error) {
          report(error);
        }
      }
      return live.get(conference.id) ?? endedNow.get(conference.id) ?? conference;
    } finally {
      if (--commitDepth === 0) endedNow.clear();
    }
  }

  function record(before: Conference | null, conference: Conference, events: ConferenceEvent[]): void {
    const known = before === null ? new Set<string>() : involvedGroups(before);
    const newGroups = [...involvedGroups(conference)].filter((g) => !known.has(g));
    const version = versions.get(conference.id) ?? 0;
    if (conference.state === 'ended') versions.delete(conference.id);
    else versions.set(conference.id, version + 1);
    const nowMs = clock.now();
    units.record({
      key: conference.id,
      write: (repos) => repos.conferences.save({ before, conference, events, newGroups, version, nowMs }),
      forget: () => forget(conference.id),
    });
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
        // Written by the message service, beside the room's unit: the answer waits for it too.
        // A failure is reported as any effect's is, and does not undo the room's change.
        units.follow(
          deps.messages
            .notify({
              from: accessNumber,
              to: effect.to,
              text: effect.text,
              atMs,
              groupId: conference.groupId,
            })
            .then(() => {}, report),
        );
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
    return commit(conference, t.conference, t.events, t.effects);
  }

  /** For the legs' callbacks: a refusal (a stale leg, an ended room) changes nothing. */
  function quietly(id: string, action: ConferenceAction, atMs: number): ConferenceTransition {
    const conference = live.get(id);
    if (conference === undefined) return { ok: false, code: 'conference_ended', detail: 'not live' };
    const t = applyConferenceAction(conference, action, atMs, env);
    if (t.ok) commit(conference, t.conference, t.events, t.effects);
    return t;
  }

  /** Memory no longer matches the store: drop the room and read back what was committed. */
  function forget(id: string): void {
    const known = live.get(id);
    live.delete(id);
    versions.delete(id);
    if (known !== undefined && byPin.get(known.pin) === id) byPin.delete(known.pin);
    schedule.disarm(id);
    load(id).catch(report);
  }

  /**
   * The room as memory has it, else as committed (once the writes queued on it have settled);
   * a room read back that is not ended is live in memory from then on.
   */
  async function load(id: string): Promise<Conference | undefined> {
    await units.settled(id);
    const stored = await repo.get(id);
    const present = live.get(id);
    if (present !== undefined || stored === undefined) return present;
    if (stored.value.state !== 'ended') {
      versions.set(id, stored.version);
      remember(stored.value);
    }
    return stored.value;
  }

  /**
   * Runs `work` on the room as memory has it, in one unit, awaited until committed. A room read
   * from the store may move while this awaits it: then it is read again, so `work` always starts
   * from the latest state.
   */
  async function onRoom<T>(
    id: string,
    principal: Principal,
    work: (conference: Conference) => T,
  ): Promise<T> {
    for (;;) {
      const found = live.get(id) ?? (await load(id));
      if (found === undefined || !visible(found, principal)) throw notFound('conference');
      const current = live.get(id) ?? (found.state === 'ended' ? found : undefined);
      if (current !== undefined) return units.act(() => work(current));
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
    units,
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

  async function require(id: string, principal: Principal): Promise<Conference> {
    const conference = live.get(id) ?? (await load(id));
    if (conference === undefined || !visible(conference, principal)) throw notFound('conference');
    return conference;
  }

  function mustBeLive(conference: Conference): Conference {
    if (conference.state === 'ended') {
      throw new AppError('conference_ended', `conference ${conference.id} has ended`);
    }
    return conference;
  }

  async function requireLive(id: string, principal: Principal): Promise<Conference> {
    return mustBeLive(await require(id, principal));
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
  for (const { value, version } of await repo.unfinished()) {
    versions.set(value.id, version);
    remember(value);
  }
  for (const conference of [...live.values()]) {
    if (conference.state !== 'active') continue;
    const closing = await legs.endedLegs(conference);
    if (closing.length === 0) continue;
    await units.act(() => {
      for (const { action, atMs } of closing) quietly(conference.id, action, atMs);
    });
  }
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
      const resolved = await people.resolveNew(input, principal);
      return units.act(() => createNow(input, resolved));
    },

    get: (id: string, principal: Principal): Promise<Conference> => require(id, principal),

    async list(
      filter: { state?: ConferenceState | undefined; groupId?: string | undefined },
      page: PageRequest,
      principal: Principal,
    ): Promise<Page<Conference>> {
      if (filter.groupId !== undefined && !principal.canSee(filter.groupId)) throw notFound('group');
      const scope = principal.kind === 'admin' ? null : principal.groupIds;
      // Live rooms answer from memory (their rows may wait behind writes still queued).
      const rows = await repo.list({ ...filter, scope }, page);
      return toPage(rows, page.limit, (c) => live.get(c.id) ?? c);
    },

    /** Adds (and on a running conference dials) a participant; answers that participant. */
    async addParticipant(id: string, ref: ParticipantRef, principal: Principal): Promise<Participant> {
      const { groupId, hostMsisdn } = await requireLive(id, principal);
      const invitee = await people.resolve(ref, 'body', { groupId, hostMsisdn });
      // The room may have moved (or ended) while the address book was read: act on it as it is now.
      return onRoom(id, principal, (found) => {
        const conference = mustBeLive(found);
        const t = applyConferenceAction(conference, { kind: 'add', invitee }, clock.now(), env);
        if (!t.ok) throw refusal(t);
        const added = t.events.find((e) => e.type === 'added')?.participantId as string;
        return participantOf(commit(conference, t.conference, t.events, t.effects), added);
      });
    },

    setMuted(id: string, participantId: string, muted: boolean, principal: Principal): Promise<Participant> {
      return onRoom(id, principal, (found) => {
        const conference = mustBeLive(found);
        participantOf(conference, participantId);
        return participantOf(
          apply(conference, { kind: 'set_muted', participantId, muted }, clock.now()),
          participantId,
        );
      });
    },

    kick(id: string, participantId: string, principal: Principal): Promise<Participant> {
      return onRoom(id, principal, (found) => {
        const conference = mustBeLive(found);
        participantOf(conference, participantId);
        return participantOf(apply(conference, { kind: 'kick', participantId }, clock.now()), participantId);
      });
    },

    /** mute_all, unmute_all, lock, unlock, end; ending an ended conference is a 200 that changes nothing. */
    act(id: string, command: ConferenceCommand, principal: Principal): Promise<Conference> {
      const action: ConferenceAction =
        command === 'end' ? { kind: 'end', cause: 'ended_by_api' } : { kind: command };
      return onRoom(id, principal, (conference) => apply(conference, action, clock.now()));
    },

    /** Sets a new duration (from the start): extends or shortens a conference's planned end. */
    update(id: string, patch: { durationMinutes: number }, principal: Principal): Promise<Conference> {
      return onRoom(id, principal, (conference) =>
        apply(
          mustBeLive(conference),
          { kind: 'extend', durationMinutes: patch.durationMinutes },
          clock.now(),
        ),
      );
    },

    async events(id: string, page: PageRequest, principal: Principal): Promise<Page<ConferenceEvent>> {
      await require(id, principal);
      const after = page.cursor === undefined ? 0 : Number.parseInt(page.cursor, 10);
      if (!Number.isSafeInteger(after) || after < 0) {
        throw new AppError('validation_failed', 'cursor must be an event number', [
          { path: 'cursor', message: 'not a cursor of this list' },
        ]);
      }
      const rows = await repo.events(id, after, page.limit + 1);
      const more = rows.length > page.limit;
      const items = more ? rows.slice(0, page.limit) : rows;
      return { items, nextCursor: more ? String(items[items.length - 1]!.seq) : null };
    },

    /** Conferences billed to the group that ended in [fromMs, toMs): for the group's bill. */
    usageOf: (groupId: string, fromMs: number, toMs: number): Promise<ConferenceUsage> =>
      repo.usage(groupId, fromMs, toMs),

    /** Live conferences in memory (benchmarks, health). */
    liveCount: () => live.size,

    /** Stops timers (app close). */
    stop: (): void => schedule.stop(),
  };

  /** A new conference, from the clock on in memory: the PIN check and the commit see the same rooms. */
  function createNow(input: NewConferenceInput, people: ResolvedPeople): Conference {
    const { groupId, host, invitees, maxParticipants } = people;
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
    const conference = commit(null, created.conference, created.events, []);
    return conference.startAtMs === null ? start(conference, now) : conference;
  }
}

/** A new conference's people, as the resolver checked them. */
type ResolvedPeople = Awaited<ReturnType<ReturnType<typeof createParticipantResolver>['resolveNew']>>;

export type ConferenceService = Awaited<ReturnType<typeof createConferenceService>>;
