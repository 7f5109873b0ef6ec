/**
 * The service clock. Engines never read time themselves: services ask this clock and pass the
 * time on. `real` follows the wall clock; `simulated` starts at the wall time of start-up and
 * moves only when told, forward only, running due work as it passes.
 */
export interface Clock {
  readonly mode: 'real' | 'simulated';
  now(): number;
}

export type DueWork = (nowMs: number) => void;

export interface SimulatedClock extends Clock {
  readonly mode: 'simulated';
  /** Moves to `toMs` (not before now); listeners run with the new time. */
  advanceTo(toMs: number): void;
  /** Registers work to run whenever the clock moves; returns the unsubscribe. */
  onAdvance(work: DueWork): () => void;
}

export function realClock(): Clock {
  return { mode: 'real', now: () => Date.now() };
}

export function simulatedClock(startMs: number = Date.now()): SimulatedClock {
  let current = startMs;
  const listeners = new Set<DueWork>();
  return {
    mode: 'simulated',
    now: () => current,
    advanceTo(toMs) {
      if (toMs < current) throw new RangeError('the simulated clock only moves forward');
      current = toMs;
      for (const work of listeners) work(current);
    },
    onAdvance(work) {
      listeners.add(work);
      return () => listeners.delete(work);
    },
  };
}

export function isSimulated(clock: Clock): clock is SimulatedClock {
  return clock.mode === 'simulated';
}
