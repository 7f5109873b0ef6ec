import { type Clock, isSimulated } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import { DEFAULT_TIMEZONE } from '../domain/group-rules.js';
import { newId } from '../domain/ids.js';
import { zoneOffsets } from '../domain/time-zones.js';
import {
  allowedActions,
  applyCallAction,
  type Call,
  type CallEffect,
  type CallEnvironment,
  type CallInput,
  type CallState,
  type ConferenceLeg,
  dropCall,
  noteOnCall,
  startCall,
  startConferenceLeg,
} from '../engines/calls/index.js';
import { rateCall } from '../engines/rating/charge.js';
import { isWithinBusinessHours } from '../engines/switchboard/hours.js';
import type { RouteLocation } from '../engines/vpn/route.js';
import type { CdrRow } from '../store/call-repo.js';
import { type PageRequest, toPage } from '../store/pagination.js';
import type { Repositories } from '../store/repositories.js';
import type { RoutingDirectory } from '../store/routing-directory/index.js';
import type { Principal } from './api-keys.js';
import type { ConferenceBridge, ConferencePort } from './conference-port.js';
import { callEventFor, hides, type Reader } from './redaction.js';
import type { RingbackResolver, RoutingService } from './routing.js';
import type { SimSubscriberService } from './sim-subscribers.js';
import { iso } from './views.js';
import type { WriteUnits } from './write-units.js';

export interface NewCall {
  from: string;
  to: string;
  atMs?: number | undefined;
  location?: RouteLocation | undefined;
}

/**
 * Simulated calls: the router decides, the call state machine (src/engines/calls) moves, and
 * this service carries out the effects: persist every acknowledged step, write the one CDR in
 * the transaction that ends the call, and let simulated subscribers answer by themselves.
 *
 * Calls not yet ended are held in memory (queues, due subscriber answers), and every change is
 * computed from memory without awaiting anything between reading a call and moving it: two
 * hang-ups of one call at once are one hang-up and one 409. Each change records its write in
 * the action's unit (write-units.ts), queued in order per call and awaited before the answer;
 * each write is a compare-and-set on the call's version, so a change another process made
 * meanwhile refuses this one (409 `concurrent_update`) and memory reads the call back. Ended
 * calls, and calls this process does not hold, are read from the store.
 */
export async function createCallService(deps: {
  repo: Repositories['calls'];
  units: WriteUnits;
  routing: Pick<RoutingService, 'decide' | 'assertActs'>;
  directory: RoutingDirectory;
  resolveRingback: RingbackResolver;
  subscribers: Pick<SimSubscriberService, 'behaviourOf'>;
  /** The conference bridge, through the port it serves (conference-port.ts). */
  conferences: Pick<ConferencePort, 'bridge'>;
  clock: Clock;
  onError?: (error: unknown) => void;
}) {
  const { repo, directory, clock, units } = deps;
  const report = (error: unknown) => deps.onError?.(error);
  const active = new Map<string, Call>();
  /** The version of each active call's row as its last recorded write leaves it. */
  const versions = new Map<string, number>();
  /** Calls ended during the commit under way (no longer active): what it answers. */
  const endedNow = new Map<string, Call>();
  let commitDepth = 0;
  const timers = new Map<string, NodeJS.Timeout>();
  const { bridge } = deps.conferences;

  const env: CallEnvironment = {
    switchboard: (id) => directory.switchboardsById.get(id),
    member: (id) => directory.membersById.get(id),
    memberByMsisdn: (msisdn) => directory.membersByMsisdn.get(msisdn),
    ringbackFor: (member, atMs) =>
      deps.resolveRingback(member, { from: '', to: member.msisdn, service: 'voice', atMs }),
    isOpen(switchboard, atMs) {
      const zone = directory.groups.get(switchboard.groupId)?.timezone ?? DEFAULT_TIMEZONE;
      return isWithinBusinessHours(switchboard.businessHours, zoneOffsets(zone), atMs);
    },
    admitByPin: (pin, call, atMs) => bridge.admitByPin(pin, call, atMs),
  };

  const visible = (call: Call, principal: Principal) =>
    principal.kind === 'admin' ||
    [call.callerGroupId, call.calleeGroupId, call.billingGroupId].some(
      (g) => g !== null && principal.canSee(g),
    );

  function cdrOf(call: Call): CdrRow {
    const endedAt = call.endedAtMs ?? call.lastAtMs;
    const charge = rateCall(call.answeredAtMs, endedAt, call.rateFenPerMinute);
    return {
      id: newId('cdr'),
      callId: call.id,
      groupId: call.billingGroupId,
      callType: call.callType,
      from: call.from,
      to: call.to,
      presentedCallerId: call.presentedCallerId,
      startedAt: call.startedAtMs,
      answeredAt: call.answeredAtMs,
      endedAt,
      billableSeconds: charge.billableSeconds,
      tariffClass: call.tariffClass,
      rateFenPerMinute: call.rateFenPerMinute,
      chargeFen: charge.chargeFen,
      createdAt: clock.now(),
    };
  }

  /**
   * Carries out a transition's effects and persists the call: CDR and call in one write
   * (recorded in the action's unit), then memory, then any subscriber who answers at once.
   */
  function commit(call: Call, effects: CallEffect[]): Call {
    commitDepth++;
    try {
      return commitInMemory(call, effects);
    } finally {
      if (--commitDepth === 0) endedNow.clear();
    }
  }

  function commitInMemory(call: Call, effects: CallEffect[]): Call {
    let immediate: CallInput | null = null;
    for (const effect of effects) {
      if (effect.kind !== 'alert') continue;
      const { behaviour, afterSeconds } = deps.subscribers.behaviourOf(effect.party.msisdn);
      if (behaviour === 'manual') continue;
      if (afterSeconds === 0) immediate = { action: behaviour };
      else {
        call.pending = {
          action: behaviour,
          msisdn: effect.party.msisdn,
          dueAtMs: call.lastAtMs + afterSeconds * 1000,
          dueServiceMs: clock.now() + afterSeconds * 1000,
        };
      }
    }
    const cdr = effects.some((e) => e.kind === 'write_cdr') ? cdrOf(call) : null;
    if (cdr !== null) call.cdrId = cdr.id;
    record(call, cdr);
    if (call.state === 'ended') {
      active.delete(call.id);
      versions.delete(call.id);
      endedNow.set(call.id, call);
    } else active.set(call.id, call);
    disarm(call.id);
    if (call.pending !== null) arm(call);
    tellBridge(bridge, call, effects);
    // The bridge may have moved the call on (a full room drops the leg that answered).
    const latest = active.get(call.id) ?? endedNow.get(call.id) ?? call;
    return immediate === null || latest !== call ? latest : step(call, immediate, call.lastAtMs);
  }

  /** Records the call's write; memory's copy is what the writes queued before it leave. */
  function record(call: Call, cdr: CdrRow | null): void {
    const eventsFrom = active.get(call.id)?.events.length ?? 0;
    const version = versions.get(call.id) ?? 0;
    versions.set(call.id, version + 1);
    const nowMs = clock.now();
    units.record({
      key: call.id,
      write: (repos) => repos.calls.save({ call, cdr, eventsFrom, version, nowMs }),
      forget: () => forget(call.id),
    });
  }

  /** Holds a call not yet ended in memory, at its stored version. */
  function keep(call: Call, version: number): void {
    active.set(call.id, call);
    versions.set(call.id, version);
    if (call.pending !== null) arm(call);
  }

  /** Memory no longer matches the store: drop the call and read back what was committed. */
  function forget(id: string): void {
    active.delete(id);
    versions.delete(id);
    disarm(id);
    load(id).catch(report);
  }

  /**
   * The call as memory has it, else as committed (once the writes queued on it have settled);
   * a call read back that is not ended is held in memory from then on.
   */
  async function load(id: string): Promise<Call | undefined> {
    await units.settled(id);
    const stored = await repo.get(id);
    const present = active.get(id);
    if (present !== undefined || stored === undefined) return present;
    if (stored.value.state !== 'ended') keep(stored.value, stored.version);
    return stored.value;
  }

  /**
   * Runs `work` on the call as memory has it, in one unit, awaited until committed. A call read
   * from the store may move while this awaits it: then it is read again, so `work` always starts
   * from the latest state.
   */
  async function onCall<T>(id: string, principal: Principal, work: (call: Call) => T): Promise<T> {
    for (;;) {
      const call = active.get(id) ?? (await load(id));
      if (call === undefined || !visible(call, principal)) throw notFound('call');
      const current = active.get(id) ?? (call.state === 'ended' ? call : undefined);
      if (current !== undefined) return units.act(() => work(current));
    }
  }

  function tellBridge(to: ConferenceBridge, call: Call, effects: CallEffect[]): void {
    const atMs = call.lastAtMs;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'join_conference':
          to.joined(call, effect.participantId, atMs);
          break;
        case 'conference_leg_answered':
          to.legAnswered(call, atMs);
          break;
        case 'conference_leg_unreached':
          to.legUnreached(call, effect.response, atMs);
          break;
        case 'conference_leg_left':
          to.legLeft(call, atMs);
          break;
        case 'conference_keys':
          to.keys(call, effect.digits, atMs);
          break;
      }
    }
  }

  /** One action on a call; a subscriber's answer that fell due before it happens first. */
  function step(call: Call, input: CallInput, atMs: number): Call {
    let current = call;
    const pending = current.pending;
    if (pending !== null && atMs >= pending.dueAtMs) current = fire(current);
    const transition = applyCallAction(current, input, atMs, env);
    if (!transition.ok) {
      throw new AppError(
        transition.code,
        transition.detail,
        transition.path === undefined ? undefined : [{ path: transition.path, message: transition.detail }],
      );
    }
    return commit(transition.call, transition.effects);
  }

  /** A simulated subscriber's due answer. */
  function fire(call: Call): Call {
    const pending = call.pending!;
    const transition = applyCallAction(call, { action: pending.action }, pending.dueAtMs, env);
    // The call moved on since the alert (the machine clears `pending` on every transition),
    // so a refusal here cannot happen; if it did, drop the stale answer rather than fail.
    if (!transition.ok) return commit({ ...call, pending: null }, []);
    return commit(transition.call, transition.effects);
  }

  function fireDue(nowMs: number): void {
    const due = [...active.values()]
      .filter((c) => c.pending !== null && c.pending.dueServiceMs <= nowMs)
      .sort((a, b) => a.pending!.dueServiceMs - b.pending!.dueServiceMs || (a.id < b.id ? -1 : 1));
    for (const call of due) {
      const current = active.get(call.id);
      if (current?.pending == null || current.pending.dueServiceMs > nowMs) continue;
      units.background(() => fire(current), report);
    }
  }

  function arm(call: Call): void {
    if (isSimulated(clock)) return; // the clock's advance runs due answers
    const delay = Math.max(0, call.pending!.dueServiceMs - clock.now());
    const timer = setTimeout(() => {
      timers.delete(call.id);
      fireDue(clock.now());
    }, delay);
    timer.unref();
    timers.set(call.id, timer);
  }

  function disarm(callId: string): void {
    const timer = timers.get(callId);
    if (timer !== undefined) {
      clearTimeout(timer);
      timers.delete(callId);
    }
  }

  async function require(id: string, principal: Principal): Promise<Call> {
    const call = active.get(id) ?? (await load(id));
    if (call === undefined || !visible(call, principal)) throw notFound('call');
    return call;
  }

  // Resume calls in progress: a restart loses none, and their due answers are re-armed.
  for (const { value, version } of await repo.unfinished()) keep(value, version);
  const unsubscribe = isSimulated(clock) ? clock.onAdvance(fireDue) : () => {};

  return {
    async create(input: NewCall, principal: Principal): Promise<Call> {
      const atMs = input.atMs ?? clock.now();
      const decision = deps.routing.decide({
        from: input.from,
        to: input.to,
        service: 'voice',
        atMs,
        ...(input.location === undefined ? {} : { location: input.location }),
      });
      deps.routing.assertActs(principal, decision);
      return units.act(() => {
        const started = startCall(newId('call'), decision, atMs, env);
        return commit(started.call, started.effects);
      });
    },

    act(id: string, input: CallInput, atMs: number | undefined, principal: Principal): Promise<Call> {
      // Without `at` the service clock is used; a call's own clock never runs backwards.
      return onCall(id, principal, (call) => step(call, input, atMs ?? Math.max(clock.now(), call.lastAtMs)));
    },

    get: (id: string, principal: Principal): Promise<Call> => require(id, principal),

    async list(
      filter: { state?: CallState | undefined; groupId?: string | undefined },
      page: PageRequest,
      principal: Principal,
    ) {
      if (filter.groupId !== undefined && !principal.canSee(filter.groupId)) throw notFound('group');
      const scope = principal.kind === 'admin' ? null : principal.groupIds;
      const rows = await repo.list({ ...filter, scope }, page);
      // Calls in progress answer from memory: their rows may wait behind writes still queued.
      return toPage(rows, page.limit, (call) => callView(active.get(call.id) ?? call, principal));
    },

    /**
     * The platform dials a conference participant (no router, no partner scope: the bridge
     * decided). This and the two below act at once in memory, inside the unit of the action
     * that asked (the room's): it awaits their writes with its own.
     */
    dialConferenceLeg(leg: ConferenceLeg, atMs: number): Call {
      const started = startConferenceLeg(newId('call'), leg, atMs);
      return commit(started.call, started.effects);
    },

    /**
     * Ends a call from the platform side (kick, conference end); an ended call is left as it is,
     * and so is one this process does not hold in memory (ended, or not its own).
     */
    dropCall(callId: string, cause: string, atMs: number, announcement?: string): void {
      const call = active.get(callId);
      if (call === undefined) return;
      const transition = dropCall(call, cause, atMs, announcement);
      if (transition.ok && transition.effects.length > 0) commit(transition.call, transition.effects);
    },

    /** Records what the platform plays or notes on a call in progress (an announcement heard on a leg). */
    note(callId: string, type: string, detail: Record<string, unknown>, atMs: number): void {
      const call = active.get(callId);
      if (call === undefined) return;
      const noted = noteOnCall(call, atMs, type, detail);
      const version = versions.get(callId) ?? 0;
      versions.set(callId, version + 1);
      units.record({
        key: callId,
        write: (repos) => repos.calls.appendEvents(noted, call.events.length, version),
        forget: () => forget(callId),
      });
      active.set(noted.id, noted);
    },

    /** A switchboard's operator desk queue, oldest first. */
    queueOf(switchboardId: string): Call[] {
      return [...active.values()]
        .filter((c) => c.switchboardId === switchboardId && c.state === 'queued')
        .sort((a, b) => (a.queuedAtMs ?? 0) - (b.queuedAtMs ?? 0) || (a.id < b.id ? -1 : 1));
    },

    hasActiveCalls: (switchboardId: string): boolean =>
      [...active.values()].some((c) => c.switchboardId === switchboardId),

    /** Stops timers (app close). */
    stop(): void {
      unsubscribe();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type CallService = Awaited<ReturnType<typeof createCallService>>;

/** A call as `reader` sees it: another tenant's party as its number only (see redaction.ts). */
export function callView(call: Call, reader: Reader) {
  const callerHidden = hides(reader, call.callerGroupId);
  const calleeHidden = hides(reader, call.calleeGroupId);
  const redacted = callerHidden || calleeHidden;
  // A switchboard is its group's: the called one inbound, the caller's on the outbound prefix.
  const switchboardHidden = call.callType === 'switchboard_outbound' ? callerHidden : calleeHidden;
  return {
    id: call.id,
    state: call.state,
    callType: call.callType,
    from: call.from,
    to: call.to,
    presentedCallerId: call.presentedCallerId,
    target: call.target === null || !calleeHidden ? call.target : { msisdn: call.target.msisdn },
    ...(call.switchboardId === undefined || switchboardHidden ? {} : { switchboardId: call.switchboardId }),
    ...(call.conferenceId === undefined ? {} : { conferenceId: call.conferenceId }),
    ...(call.participantId === undefined ? {} : { participantId: call.participantId }),
    events: redacted ? eventsFor(call, calleeHidden) : call.events,
    ...(call.cdrId === undefined ? {} : { cdrId: call.cdrId }),
    startedAt: iso(call.startedAtMs),
    answeredAt: call.answeredAtMs === null ? null : iso(call.answeredAtMs),
    endedAt: call.endedAtMs === null ? null : iso(call.endedAtMs),
    allowedActions: allowedActions(call.state),
  };
}

function eventsFor(call: Call, calleeHidden: boolean) {
  const facts = {
    from: call.from,
    to: call.to,
    targetMsisdn: call.target?.msisdn ?? null,
    presentedCallerId: call.presentedCallerId,
    service: 'voice' as const,
  };
  return call.events.map((event) => callEventFor(event, facts, calleeHidden));
}

export type CallView = ReturnType<typeof callView>;

/** A CDR as `reader` sees it: a partner lists its own groups' CDRs, so this only guards. */
export function cdrView(row: CdrRow, reader: Reader) {
  return {
    id: row.id,
    callId: row.callId,
    groupId: hides(reader, row.groupId) ? null : row.groupId,
    callType: row.callType,
    from: row.from,
    to: row.to,
    presentedCallerId: row.presentedCallerId,
    startedAt: iso(row.startedAt),
    answeredAt: row.answeredAt === null ? null : iso(row.answeredAt),
    endedAt: iso(row.endedAt),
    billableSeconds: row.billableSeconds,
    tariffClass: row.tariffClass,
    rateFenPerMinute: row.rateFenPerMinute,
    chargeFen: row.chargeFen,
  };
}
