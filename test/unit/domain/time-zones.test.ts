import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEZONE } from '../../../src/domain/group-rules.js';
import {
  canonicalTimezone,
  formatDayNumber,
  isoWeekdayOf,
  localTimeOf,
  zoneOffsets,
} from '../../../src/domain/time-zones.js';

const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Adelaide', // +09:30/+10:30: transitions at :30 UTC
  'Australia/Lord_Howe', // half-hour DST
  'America/St_Johns',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'UTC',
];

describe('cached zone offsets', () => {
  it('give the same local date, weekday and minute as luxon', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
        (zone, atMs) => {
          const { dayNumber, minute } = localTimeOf(zoneOffsets(zone), atMs);
          const dt = DateTime.fromMillis(atMs, { zone });
          expect(formatDayNumber(dayNumber)).toBe(dt.toISODate());
          expect(isoWeekdayOf(dayNumber)).toBe(dt.weekday);
          expect(minute).toBe(dt.hour * 60 + dt.minute);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('are right to the millisecond around each 2026 transition', () => {
    const HOUR = 3_600_000;
    const offsetAt = (zone: string, ms: number) => DateTime.fromMillis(ms, { zone }).offset * 60_000;
    let transitions = 0;
    for (const zone of ZONES) {
      const z = zoneOffsets(zone);
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += HOUR) {
        if (offsetAt(zone, t) === offsetAt(zone, t + HOUR)) continue;
        // Find the exact instant of the change with luxon, then probe both sides of it.
        let lo = t;
        let hi = t + HOUR;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (offsetAt(zone, mid) === offsetAt(zone, t)) lo = mid;
          else hi = mid;
        }
        transitions++;
        for (const probe of [hi - HOUR, hi - 1, hi, hi + 1, hi + HOUR]) {
          expect(z.offsetMs(probe)).toBe(offsetAt(zone, probe));
        }
      }
    }
    // New York, London, Adelaide, Lord Howe, St John's, Chatham: two each.
    expect(transitions).toBe(12);
  });
});

describe('canonicalTimezone', () => {
  it('defaults to Asia/Shanghai and knows IANA zones only', () => {
    expect(DEFAULT_TIMEZONE).toBe('Asia/Shanghai');
    expect(canonicalTimezone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(canonicalTimezone('asia/shanghai')).toBe('Asia/Shanghai');
    expect(canonicalTimezone('Asia/Urumqi')).toBe('Asia/Urumqi');
    expect(canonicalTimezone('UTC')).toBe('UTC');
    expect(canonicalTimezone('CST')).toBeNull();
    expect(canonicalTimezone('Mars/Olympus_Mons')).toBeNull();
    expect(canonicalTimezone('')).toBeNull();
  });
});
