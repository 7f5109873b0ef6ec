import { DURATION_PATTERN, TIME_PATTERN } from './patterns.js';

/**
 * Scenario time: absolute ISO times, or `+duration` offsets from the scenario's start. When the
 * runner has to move a scenario later (a shared service whose simulated clock is already past
 * the start), every absolute time moves with it by the same whole number of weeks, so weekdays
 * and times of day (business hours, ringback schedules) stay as written.
 */

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };
export const WEEK_MS = 7 * 86_400_000;
/** In-process scenarios without `clock.start` begin here: a Tuesday, 09:00 in Shanghai. */
export const DEFAULT_START = '2026-11-24T09:00:00+08:00';

/** `90s`, `5m`, `1h30m`, `1d` or a number of seconds → seconds. */
export function durationSeconds(value: number | string): number {
  if (typeof value === 'number') return value;
  if (!DURATION_PATTERN.test(value)) throw new RangeError(`not a duration: ${value}`);
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([dhms])/g)) {
    seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  }
  return seconds;
}

export interface ScenarioClock {
  /** The scenario's start on the target, epoch ms (shift included). */
  readonly startMs: number;
  /** How far absolute times were moved (a whole number of weeks; 0 in-process). */
  readonly shiftMs: number;
  /** A scenario time → epoch ms on the target. */
  ms(time: string): number;
  /** A scenario time → ISO 8601 as the API writes it (UTC, milliseconds). */
  iso(time: string): string;
  /** A calendar date (YYYY-MM-DD) of the setup, moved by the same whole weeks. */
  date(day: string): string;
}

export function scenarioClock(writtenStartMs: number, shiftMs = 0): ScenarioClock {
  const startMs = writtenStartMs + shiftMs;
  const ms = (time: string): number => {
    if (!TIME_PATTERN.test(time)) throw new RangeError(`not a scenario time: ${time}`);
    if (time.startsWith('+')) return startMs + durationSeconds(time.slice(1)) * 1000;
    return Date.parse(time) + shiftMs;
  };
  const date = (day: string): string => {
    if (shiftMs === 0 || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return day;
    return new Date(Date.parse(`${day}T00:00:00Z`) + shiftMs).toISOString().slice(0, 10);
  };
  return { startMs, shiftMs, ms, iso: (time) => new Date(ms(time)).toISOString(), date };
}

/** The whole weeks to add to `startMs` so that it is not before `nowMs`. */
export function weeksToCatchUp(startMs: number, nowMs: number): number {
  return startMs >= nowMs ? 0 : Math.ceil((nowMs - startMs) / WEEK_MS);
}
