import { isoWeekdayOf, localTimeOf, type ZoneOffsets } from '../../domain/time-zones.js';
import { parseClockTime } from '../ringback/schedule.js';
import type { BusinessHours } from './types.js';

/**
 * Whether a switchboard is open at `atMs`, in its group's time zone. No hours means always open.
 * A window whose end is before its start runs past midnight and belongs to the weekday it
 * starts on: Friday 22:00–06:00 covers Saturday 03:00 and not Monday 03:00.
 */
export function isWithinBusinessHours(hours: BusinessHours | null, zone: ZoneOffsets, atMs: number): boolean {
  if (hours === null) return true;
  const start = parseClockTime(hours.start);
  const end = parseClockTime(hours.end);
  if (start === null || end === null || start === end) return false;
  const { dayNumber, minute } = localTimeOf(zone, atMs);
  let owningDay: number;
  if (start < end) {
    if (minute < start || minute >= end) return false;
    owningDay = dayNumber;
  } else if (minute >= start) {
    owningDay = dayNumber;
  } else if (minute < end) {
    owningDay = dayNumber - 1;
  } else {
    return false;
  }
  return (hours.weekdays as number[]).includes(isoWeekdayOf(owningDay));
}
