import { describe, expect, it } from 'vitest';
import { validateRingbackPolicy } from '../../../../src/engines/ringback/index.js';

const TONES = new Set(['t1', 't2']);
const valid = {
  name: '工作时间',
  appliesTo: { departments: ['销售部'] },
  schedule: {
    weekdays: [1, 2, 3, 4, 5],
    start: '09:00',
    end: '18:00',
    dateFrom: '2026-01-01',
    dateTo: '2026-12-31',
  },
  toneIds: ['t1', 't2'],
  playback: 'loop',
  priority: 1,
  enabled: true,
};

function issuesOf(patch: Record<string, unknown>, schedulePatch?: Record<string, unknown>) {
  const body = { ...valid, ...patch };
  if (schedulePatch) body.schedule = { ...valid.schedule, ...schedulePatch } as typeof valid.schedule;
  return validateRingbackPolicy(body, TONES);
}

describe('validateRingbackPolicy', () => {
  it('accepts a valid policy, a midnight-crossing one and one for everybody without a schedule', () => {
    expect(validateRingbackPolicy(valid, TONES)).toEqual([]);
    expect(issuesOf({}, { start: '22:00', end: '02:00' })).toEqual([]);
    expect(
      validateRingbackPolicy(
        { name: 'all', appliesTo: { all: true }, toneIds: ['t1'], playback: 'single' },
        TONES,
      ),
    ).toEqual([]);
  });

  it('names unknown tones and refuses an empty tone list', () => {
    expect(issuesOf({ toneIds: ['t1', 'nope'] })).toEqual([
      { path: 'toneIds.1', message: 'unknown tone nope' },
    ]);
    expect(issuesOf({ toneIds: [] })).toEqual([{ path: 'toneIds', message: 'must name at least one tone' }]);
  });

  it('refuses bad times', () => {
    expect(issuesOf({}, { start: '25:00' })).toEqual([
      { path: 'schedule.start', message: 'hour 25 is out of range 00–23' },
    ]);
    expect(issuesOf({}, { end: '12:60' })).toEqual([
      { path: 'schedule.end', message: 'minute 60 is out of range 00–59' },
    ]);
    expect(issuesOf({}, { start: '9:00' })[0]?.path).toBe('schedule.start');
    expect(issuesOf({}, { end: 900 })[0]?.path).toBe('schedule.end');
  });

  it('refuses an empty window', () => {
    expect(issuesOf({}, { start: '09:00', end: '09:00' })).toEqual([
      {
        path: 'schedule.end',
        message: 'must differ from start (the window would be empty); omit both for the whole day',
      },
    ]);
    const endOnly = validateRingbackPolicy({ ...valid, schedule: { end: '00:00' } }, TONES);
    expect(endOnly.map((i) => i.path)).toEqual(['schedule.end']);
  });

  it('refuses bad dates and a range that ends before it starts', () => {
    expect(issuesOf({}, { dateFrom: '2026-02-30' })).toEqual([
      { path: 'schedule.dateFrom', message: '2026-02-30 is not a calendar date' },
    ]);
    expect(issuesOf({}, { dateTo: '2026/12/31' })[0]?.path).toBe('schedule.dateTo');
    expect(issuesOf({}, { dateFrom: '2026-02-29', dateTo: undefined })[0]?.message).toBe(
      '2026-02-29 is not a calendar date',
    );
    expect(issuesOf({}, { dateFrom: '2028-02-29', dateTo: '2028-03-01' })).toEqual([]);
    expect(issuesOf({}, { dateFrom: '2026-07-01', dateTo: '2026-06-30' })).toEqual([
      { path: 'schedule.dateTo', message: 'is before dateFrom 2026-07-01' },
    ]);
  });

  it('refuses weekdays outside 1..7 and an empty weekday list', () => {
    expect(issuesOf({}, { weekdays: [0, 1, 8] }).map((i) => i.path)).toEqual([
      'schedule.weekdays.0',
      'schedule.weekdays.2',
    ]);
    expect(issuesOf({}, { weekdays: [] }).map((i) => i.path)).toEqual(['schedule.weekdays']);
    expect(issuesOf({}, { calendar: 'weekends' }).map((i) => i.path)).toEqual(['schedule.calendar']);
  });

  it('refuses an empty audience', () => {
    for (const appliesTo of [{}, { memberIds: [], departments: [] }, { all: false }]) {
      expect(issuesOf({ appliesTo }).map((i) => i.path)).toContain('appliesTo');
    }
    expect(issuesOf({ appliesTo: { memberIds: [''] } }).map((i) => i.path)).toEqual([
      'appliesTo.memberIds.0',
    ]);
    expect(issuesOf({ appliesTo: 'everyone' }).map((i) => i.path)).toEqual(['appliesTo']);
  });

  it('checks the remaining fields and never throws on odd input', () => {
    expect(
      issuesOf({ name: ' ', playback: 'shuffle', priority: 1.5, enabled: 'yes' }).map((i) => i.path),
    ).toEqual(['name', 'playback', 'priority', 'enabled']);
    expect(validateRingbackPolicy(null, TONES)).toEqual([{ path: '', message: 'must be an object' }]);
    expect(validateRingbackPolicy({ schedule: 'always' }, TONES).map((i) => i.path)).toEqual([
      'name',
      'appliesTo',
      'schedule',
      'toneIds',
      'playback',
    ]);
  });
});
