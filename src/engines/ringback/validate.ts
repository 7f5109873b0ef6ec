import { parseClockTime, parseLocalDate } from './schedule.js';
import type { RingbackIssue } from './types.js';

/**
 * Domain validation of a ringback policy body (`POST …/ringback/policies`, or a PATCH merged
 * onto the stored policy). Takes anything and never throws: every problem comes back as a
 * `{path, message}` issue, with dotted paths (`schedule.start`, `toneIds.1`) that the HTTP layer
 * puts into the problem's `errors`. An empty list means `compileGroupRingback` accepts it.
 */

const AUDIENCE_LISTS = ['memberIds', 'subgroupIds', 'departments'] as const;
const SCHEDULE_FIELDS = new Set(['weekdays', 'start', 'end', 'dateFrom', 'dateTo', 'calendar']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clockIssue(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{2}:\d{2}$/.test(value)) return 'must be a time HH:MM, e.g. 09:00';
  const [hours, minutes] = value.split(':').map(Number) as [number, number];
  if (hours > 23) return `hour ${hours} is out of range 00–23`;
  if (minutes > 59) return `minute ${minutes} is out of range 00–59`;
  return null;
}

function dateIssue(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return 'must be a date YYYY-MM-DD, e.g. 2026-10-01';
  }
  return parseLocalDate(value) === null ? `${value} is not a calendar date` : null;
}

function validateAudience(value: unknown, issues: RingbackIssue[]): void {
  if (!isRecord(value)) {
    issues.push({
      path: 'appliesTo',
      message: 'must be {all: true} or lists of memberIds, subgroupIds, departments',
    });
    return;
  }
  if (value.all !== undefined && value.all !== true) {
    issues.push({ path: 'appliesTo.all', message: 'must be true when given; omit it to list the audience' });
  }
  let listed = 0;
  for (const field of AUDIENCE_LISTS) {
    const list = value[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      issues.push({ path: `appliesTo.${field}`, message: 'must be a list of strings' });
      continue;
    }
    list.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') {
        issues.push({ path: `appliesTo.${field}.${i}`, message: 'must be a non-empty string' });
      }
    });
    listed += list.length;
  }
  if (value.all !== true && listed === 0) {
    issues.push({
      path: 'appliesTo',
      message:
        'the audience is empty: give {all: true} or at least one member id, sub-group id or department',
    });
  }
}

function validateSchedule(value: unknown, issues: RingbackIssue[]): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    issues.push({ path: 'schedule', message: 'must be an object' });
    return;
  }
  for (const field of Object.keys(value)) {
    if (!SCHEDULE_FIELDS.has(field)) issues.push({ path: `schedule.${field}`, message: 'unknown field' });
  }
  const { weekdays, start, end, dateFrom, dateTo, calendar } = value;
  if (weekdays !== undefined) {
    if (!Array.isArray(weekdays)) {
      issues.push({
        path: 'schedule.weekdays',
        message: 'must be a list of ISO weekdays 1 (Monday)..7 (Sunday)',
      });
    } else if (weekdays.length === 0) {
      issues.push({
        path: 'schedule.weekdays',
        message: 'is empty, so the policy would never play; omit it for every day',
      });
    } else {
      weekdays.forEach((w, i) => {
        if (!Number.isInteger(w) || (w as number) < 1 || (w as number) > 7) {
          issues.push({
            path: `schedule.weekdays.${i}`,
            message: `${String(w)} is not an ISO weekday 1 (Monday)..7 (Sunday)`,
          });
        }
      });
    }
  }
  const startIssue = start === undefined ? null : clockIssue(start);
  const endIssue = end === undefined ? null : clockIssue(end);
  if (startIssue !== null) issues.push({ path: 'schedule.start', message: startIssue });
  if (endIssue !== null) issues.push({ path: 'schedule.end', message: endIssue });
  if (startIssue === null && endIssue === null && end !== undefined) {
    const from = start === undefined ? 0 : parseClockTime(start as string);
    if (from === parseClockTime(end as string)) {
      issues.push({
        path: 'schedule.end',
        message:
          start === undefined
            ? 'end 00:00 without start makes an empty window; omit both for the whole day'
            : 'must differ from start (the window would be empty); omit both for the whole day',
      });
    }
  }
  const fromIssue = dateFrom === undefined ? null : dateIssue(dateFrom);
  const toIssue = dateTo === undefined ? null : dateIssue(dateTo);
  if (fromIssue !== null) issues.push({ path: 'schedule.dateFrom', message: fromIssue });
  if (toIssue !== null) issues.push({ path: 'schedule.dateTo', message: toIssue });
  if (fromIssue === null && toIssue === null && dateFrom !== undefined && dateTo !== undefined) {
    if ((dateFrom as string) > (dateTo as string)) {
      issues.push({ path: 'schedule.dateTo', message: `is before dateFrom ${dateFrom as string}` });
    }
  }
  if (calendar !== undefined && calendar !== 'workdays' && calendar !== 'holidays') {
    issues.push({ path: 'schedule.calendar', message: 'must be "workdays" or "holidays"' });
  }
}

/** Issues with a policy body; `knownToneIds` are the group's tones. Empty when it is valid. */
export function validateRingbackPolicy(input: unknown, knownToneIds: ReadonlySet<string>): RingbackIssue[] {
  const issues: RingbackIssue[] = [];
  if (!isRecord(input)) return [{ path: '', message: 'must be an object' }];

  if (typeof input.name !== 'string' || input.name.trim() === '') {
    issues.push({ path: 'name', message: 'must be a non-empty string' });
  }
  validateAudience(input.appliesTo, issues);
  validateSchedule(input.schedule, issues);

  const toneIds = input.toneIds;
  if (!Array.isArray(toneIds)) {
    issues.push({ path: 'toneIds', message: 'must be a list of tone ids' });
  } else if (toneIds.length === 0) {
    issues.push({ path: 'toneIds', message: 'must name at least one tone' });
  } else {
    toneIds.forEach((id, i) => {
      if (typeof id !== 'string') issues.push({ path: `toneIds.${i}`, message: 'must be a tone id' });
      else if (!knownToneIds.has(id)) issues.push({ path: `toneIds.${i}`, message: `unknown tone ${id}` });
    });
  }
  if (input.playback !== 'single' && input.playback !== 'loop') {
    issues.push({ path: 'playback', message: 'must be "single" or "loop"' });
  }
  if (input.priority !== undefined && !Number.isSafeInteger(input.priority)) {
    issues.push({ path: 'priority', message: 'must be an integer' });
  }
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
    issues.push({ path: 'enabled', message: 'must be true or false' });
  }
  return issues;
}
