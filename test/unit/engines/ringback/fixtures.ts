import { DateTime } from 'luxon';
import type { RingbackCallee, RingbackPolicy } from '../../../../src/engines/ringback/index.js';

/** Builds a policy with defaults: everyone, no schedule, one tone named after the id. */
export function policy(
  id: string,
  createdSeq: number,
  overrides: Partial<RingbackPolicy> = {},
): RingbackPolicy {
  return {
    id,
    name: `policy ${id}`,
    appliesTo: { all: true },
    toneIds: [`tone-${id}`],
    playback: 'single',
    createdSeq,
    ...overrides,
  };
}

export function callee(
  id: string,
  department: string | null = null,
  subgroupIds: string[] = [],
): RingbackCallee {
  return { id, department, subgroupIds: new Set(subgroupIds) };
}

/** Epoch ms of a local wall-clock time, e.g. `at('2026-10-01T09:00', 'Asia/Shanghai')`. */
export function at(localIso: string, zone = 'Asia/Shanghai'): number {
  const dt = DateTime.fromISO(localIso, { zone });
  if (!dt.isValid) throw new Error(`bad test time ${localIso}`);
  return dt.toMillis();
}

export const NO_CALENDAR = { holidays: [], workdays: [] };
