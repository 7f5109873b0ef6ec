import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { zoneOffsets } from '../../../../src/domain/time-zones.js';
import { isWithinBusinessHours } from '../../../../src/engines/switchboard/hours.js';
import type { BusinessHours, IsoWeekday } from '../../../../src/engines/switchboard/types.js';

const shanghai = zoneOffsets('Asia/Shanghai');
const at = (local: string, zone = 'Asia/Shanghai') => DateTime.fromISO(local, { zone }).toMillis();
const office: BusinessHours = { weekdays: [1, 2, 3, 4, 5], start: '08:30', end: '17:30' };

describe('isWithinBusinessHours', () => {
  it('office hours in the group zone, end exclusive', () => {
    expect(isWithinBusinessHours(office, shanghai, at('2026-11-24T08:30'))).toBe(true); // Tuesday
    expect(isWithinBusinessHours(office, shanghai, at('2026-11-24T17:29'))).toBe(true);
    expect(isWithinBusinessHours(office, shanghai, at('2026-11-24T17:30'))).toBe(false);
    expect(isWithinBusinessHours(office, shanghai, at('2026-11-24T08:29'))).toBe(false);
    expect(isWithinBusinessHours(office, shanghai, at('2026-11-28T10:00'))).toBe(false); // Saturday
  });

  it('no hours means always open', () => {
    expect(isWithinBusinessHours(null, shanghai, at('2026-11-28T03:00'))).toBe(true);
  });

  it('a window past midnight belongs to the weekday it starts on', () => {
    const night: BusinessHours = { weekdays: [5], start: '22:00', end: '06:00' };
    expect(isWithinBusinessHours(night, shanghai, at('2026-11-27T23:00'))).toBe(true); // Friday
    expect(isWithinBusinessHours(night, shanghai, at('2026-11-28T05:59'))).toBe(true); // Saturday morning
    expect(isWithinBusinessHours(night, shanghai, at('2026-11-28T06:00'))).toBe(false);
    expect(isWithinBusinessHours(night, shanghai, at('2026-11-27T05:00'))).toBe(false); // Friday morning: Thursday's
  });

  it('reads the time in the group zone, not UTC', () => {
    const berlin = zoneOffsets('Europe/Berlin');
    // 09:00 in Shanghai is 02:00 in Berlin (winter).
    expect(isWithinBusinessHours(office, berlin, at('2026-11-24T09:00'))).toBe(false);
    expect(isWithinBusinessHours(office, berlin, at('2026-11-24T09:00', 'Europe/Berlin'))).toBe(true);
  });

  it('property: agrees with a luxon reference for any window, weekday set and instant', () => {
    const hhmm = fc.integer({ min: 0, max: 1439 });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        hhmm,
        hhmm,
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }),
        fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'America/New_York'),
        (weekdays, start, end, atMs, zone) => {
          fc.pre(start !== end);
          const fmt = (m: number) =>
            `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
          const hours = { weekdays: weekdays as IsoWeekday[], start: fmt(start), end: fmt(end) };
          const local = DateTime.fromMillis(atMs, { zone });
          const minute = local.hour * 60 + local.minute;
          let expected: boolean;
          if (start < end) expected = minute >= start && minute < end && weekdays.includes(local.weekday);
          else if (minute >= start) expected = weekdays.includes(local.weekday);
          else if (minute < end) expected = weekdays.includes(local.minus({ days: 1 }).weekday);
          else expected = false;
          expect(isWithinBusinessHours(hours, zoneOffsets(zone), atMs)).toBe(expected);
        },
      ),
    );
  });
});
