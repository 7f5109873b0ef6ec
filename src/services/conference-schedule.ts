import { type Clock, isSimulated } from '../domain/clock.js';
import { type Conference, dueAtMs } from '../engines/conference/index.js';
import type { WriteUnits } from './write-units.js';

/** The longest a real-clock timer may wait in one go (setTimeout's limit); it re-arms after. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The conference bridge's scheduled work: scheduled conferences start when the clock reaches
 * their `startAt`, and rooms with a duration end when it has elapsed. With the real clock, one
 * timer per room for its next due work, re-armed only when that moves; with the simulated
 * clock, the clock's advance runs whatever fell due, earliest first, each at its own due time.
 */
export function createConferenceSchedule(deps: {
  clock: Clock;
  /** Conferences not yet ended. */
  live: ReadonlyMap<string, Conference>;
  start(conference: Conference, atMs: number): void;
  end(conference: Conference, atMs: number): void;
  /** Each start or end is a unit of its own (write-units.ts): a failure is reported. */
  units: Pick<WriteUnits, 'background'>;
  report(error: unknown): void;
}) {
  const { clock, live } = deps;
  const timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();

  function disarm(id: string): void {
    const armed = timers.get(id);
    if (armed === undefined) return;
    clearTimeout(armed.timer);
    timers.delete(id);
  }

  /** Real clock: (re-)arms the room's timer for its next due work. */
  function arm(conference: Conference): void {
    if (isSimulated(clock)) return; // the clock's advance runs due work
    const due = conference.state === 'ended' ? null : dueAtMs(conference);
    const armed = timers.get(conference.id);
    if (armed !== undefined && armed.due === due) return;
    if (armed !== undefined) disarm(conference.id);
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
      const room = next;
      const at = nextDue;
      deps.units.background(
        () => (room.state === 'scheduled' ? deps.start(room, at) : deps.end(room, at)),
        deps.report,
      );
    }
  }

  const unsubscribe = isSimulated(clock) ? clock.onAdvance(runDue) : () => {};

  return {
    arm,
    /** Forgets the room's timer (the room is dropped from memory). */
    disarm,
    /** Stops timers (app close). */
    stop(): void {
      unsubscribe();
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
