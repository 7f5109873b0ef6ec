import { dayNumberOf, isoWeekdayOf } from '../../domain/time-zones.js';
import type { RingbackSchedule, ScheduleMiss } from './types.js';

/**
 * Schedules pre-parsed to numbers, and the one matching routine that both resolution and the
 * explanation use, so that the two can never disagree.
 */

export const MINUTES_PER_DAY = 1440;

export const CALENDAR_ANY = 0;
export const CALENDAR_WORKDAYS = 1;
export const CALENDAR_HOLIDAYS = 2;

export interface CompiledSchedule {
  /** Minute of the day, inclusive. */
  start: number;
  /** Minute of the day, exclusive; 1440 for midnight at the end. `end < start` crosses midnight. */
  end: number;
  /** Bit `w` set for ISO weekday `w` (1..7); 0b11111110 when any. */
  weekdayMask: number;
  /** Day numbers (days since 1970-01-01), inclusive; ±Infinity when open. */
  dayFrom: number;
  dayTo: number;
  calendar: typeof CALENDAR_ANY | typeof CALENDAR_WORKDAYS | typeof CALENDAR_HOLIDAYS;
  /** The schedule as given, for explanations. */
  source: RingbackSchedule;
}

export const ALL_WEEKDAYS = 0b11111110;

/** Result of `matchRecord`: 0 matches, anything else names the part that failed. */
export const MATCH = 0;
export const MISS_TIME = 1;
export const MISS_WEEKDAY = 2;
export const MISS_DATE = 3;
export const MISS_CALENDAR = 4;

export const MISS_NAMES: Record<number, ScheduleMiss> = {
  [MISS_TIME]: 'time',
  [MISS_WEEKDAY]: 'weekday',
  [MISS_DATE]: 'date',
  [MISS_CALENDAR]: 'calendar',
};

const HH_MM = /^(\d{2}):(\d{2})$/;
const YYYY_MM_DD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minute of the day of a valid `HH:MM` (00:00–23:59), else null. */
export function parseClockTime(value: string): number | null {
  const m = HH_MM.exec(value);
  if (m === null) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/** Day number of a real calendar date `YYYY-MM-DD` (no 2026-02-30), else null. */
export function parseLocalDate(value: string): number | null {
  const m = YYYY_MM_DD.exec(value);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return dayNumberOf(year, month, day);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** True when the schedule constrains anything: `{}` counts as no schedule. */
export function hasScheduleConstraints(schedule: RingbackSchedule | null | undefined): boolean {
  if (schedule == null) return false;
  return (
    schedule.weekdays !== undefined ||
    schedule.start !== undefined ||
    schedule.end !== undefined ||
    schedule.dateFrom !== undefined ||
    schedule.dateTo !== undefined ||
    schedule.calendar !== undefined
  );
}

/**
 * Parses a schedule the validator accepted; throws a RangeError naming the field otherwise.
 * `start == end` (or `end` 00:00 without `start`) is an empty window that never matches.
 */
export function compileSchedule(schedule: RingbackSchedule, where: string): CompiledSchedule {
  const clock = (field: 'start' | 'end', fallback: number): number => {
    const value = schedule[field];
    if (value === undefined) return fallback;
    const minute = parseClockTime(value);
    if (minute === null) throw new RangeError(`${where}: schedule.${field} is not HH:MM: ${value}`);
    return minute;
  };
  const date = (field: 'dateFrom' | 'dateTo', fallback: number): number => {
    const value = schedule[field];
    if (value === undefined) return fallback;
    const day = parseLocalDate(value);
    if (day === null) throw new RangeError(`${where}: schedule.${field} is not YYYY-MM-DD: ${value}`);
    return day;
  };
  let weekdayMask = ALL_WEEKDAYS;
  if (schedule.weekdays !== undefined) {
    weekdayMask = 0;
    for (const w of schedule.weekdays) {
      if (!Number.isInteger(w) || w < 1 || w > 7) {
        throw new RangeError(`${where}: schedule.weekdays holds ${w}, not 1..7`);
      }
      weekdayMask |= 1 << w;
    }
  }
  return {
    start: clock('start', 0),
    end: clock('end', MINUTES_PER_DAY),
    weekdayMask,
    dayFrom: date('dateFrom', Number.NEGATIVE_INFINITY),
    dayTo: date('dateTo', Number.POSITIVE_INFINITY),
    calendar:
      schedule.calendar === 'workdays'
        ? CALENDAR_WORKDAYS
        : schedule.calendar === 'holidays'
          ? CALENDAR_HOLIDAYS
          : CALENDAR_ANY,
    source: schedule,
  };
}

/**
 * A group's calendar as a table of day kinds over the span of its listed dates, so that a
 * lookup is one byte read; days outside the span follow the Monday–Friday rule.
 */
export interface CalendarTable {
  /** Day number of `kinds[0]`. */
  readonly firstDay: number;
  /** 0: by weekday, 1: day off (holiday), 2: worked (调休 make-up day). */
  readonly kinds: Uint8Array;
}

const KIND_OFF = 1;
const KIND_WORKED = 2;

/**
 * Most groups keep the national calendar: identical calendars share one table, so a thousand
 * groups read one hot table rather than a thousand cold copies. Bounded, for the odd service
 * with very many distinct calendars.
 */
const calendarTables = new Map<string, CalendarTable>();
const CALENDAR_TABLE_LIMIT = 1_000;

/** Builds the table; a date in both lists is a day off. Throws a RangeError on an unreadable date. */
export function compileCalendar(holidays: readonly string[], workdays: readonly string[]): CalendarTable {
  const key = `${holidays.join(',')}|${workdays.join(',')}`;
  const known = calendarTables.get(key);
  if (known !== undefined) return known;
  const parse = (dates: readonly string[], field: string) =>
    dates.map((date) => {
      const day = parseLocalDate(date);
      if (day === null) throw new RangeError(`group calendar: ${field} holds ${date}, not YYYY-MM-DD`);
      return day;
    });
  const off = parse(holidays, 'holidays');
  const worked = parse(workdays, 'workdays');
  const all = [...off, ...worked];
  let table: CalendarTable = { firstDay: 0, kinds: new Uint8Array(0) };
  if (all.length > 0) {
    const firstDay = Math.min(...all);
    const kinds = new Uint8Array(Math.max(...all) - firstDay + 1);
    for (const day of worked) kinds[day - firstDay] = KIND_WORKED;
    for (const day of off) kinds[day - firstDay] = KIND_OFF;
    table = { firstDay, kinds };
  }
  if (calendarTables.size < CALENDAR_TABLE_LIMIT) calendarTables.set(key, table);
  return table;
}

/** Working day by the group's calendar: a listed holiday is off, a listed make-up day worked. */
export function isWorkingDay(calendar: CalendarTable, dayNumber: number): boolean {
  const index = dayNumber - calendar.firstDay;
  if (index >= 0 && index < calendar.kinds.length) {
    const kind = calendar.kinds[index];
    if (kind === KIND_OFF) return false;
    if (kind === KIND_WORKED) return true;
  }
  return isoWeekdayOf(dayNumber) <= 5;
}

/*
 * Schedule records: RECORD ints in an Int32Array, written next to each other in the lists that
 * resolution scans, so that a scan reads adjacent memory instead of chasing objects (with a
 * thousand groups in memory, cache misses and not arithmetic set the pace).
 *
 *   [0] tag: the entry's rank in the lists of a group (the policy's index in explanations)
 *   [1] flags: bit 0 has a schedule; bits 1–2 calendar mode
 *   [2] window: start (bits 0–10) | end (bits 11–21) | weekday mask (bits 22–29)
 *   [3] first day, [4] last day (day numbers; open ends as the int32 extremes)
 */
export const RECORD = 5;
const OPEN_FROM = -(2 ** 31);
const OPEN_TO = 2 ** 31 - 1;
const HAS_SCHEDULE = 1;

/** Writes a record for `schedule` (null: none, always plays) at `offset`. */
export function writeRecord(
  code: Int32Array,
  offset: number,
  tag: number,
  schedule: CompiledSchedule | null,
): void {
  code[offset] = tag;
  if (schedule === null) {
    code[offset + 1] = 0;
    return;
  }
  code[offset + 1] = HAS_SCHEDULE | (schedule.calendar << 1);
  code[offset + 2] = schedule.start | (schedule.end << 11) | (schedule.weekdayMask << 22);
  code[offset + 3] = Number.isFinite(schedule.dayFrom) ? schedule.dayFrom : OPEN_FROM;
  code[offset + 4] = Number.isFinite(schedule.dayTo) ? schedule.dayTo : OPEN_TO;
}

/** Sentinel of `owningDay` for a minute outside the window. */
export const NO_DAY = Number.NEGATIVE_INFINITY;

/**
 * The day whose window covers local `minute` of `dayNumber`: the same day, the day before (the
 * tail of a window that crossed midnight), or NO_DAY when the minute is outside the window.
 */
export function owningDay(code: Int32Array, offset: number, dayNumber: number, minute: number): number {
  const window = code[offset + 2]!;
  const start = window & 0x7ff;
  const end = (window >>> 11) & 0x7ff;
  if (start < end) return minute >= start && minute < end ? dayNumber : NO_DAY;
  if (start > end) {
    if (minute >= start) return dayNumber;
    if (minute < end) return dayNumber - 1;
  }
  return NO_DAY;
}

/**
 * 0 when the record at `offset` covers local `minute` of `dayNumber`, else the MISS_* code of
 * the part that failed. The one matcher that both resolution and explanation use.
 */
export function matchRecord(
  code: Int32Array,
  offset: number,
  dayNumber: number,
  minute: number,
  calendar: CalendarTable,
): number {
  const flags = code[offset + 1]!;
  if (flags === 0) return MATCH;
  const day = owningDay(code, offset, dayNumber, minute);
  if (day === NO_DAY) return MISS_TIME;
  if (((code[offset + 2]! >>> 22) & (1 << isoWeekdayOf(day))) === 0) return MISS_WEEKDAY;
  if (day < code[offset + 3]! || day > code[offset + 4]!) return MISS_DATE;
  const mode = flags >>> 1;
  if (mode !== CALENDAR_ANY && isWorkingDay(calendar, day) !== (mode === CALENDAR_WORKDAYS)) {
    return MISS_CALENDAR;
  }
  return MATCH;
}
