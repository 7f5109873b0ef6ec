import { describe, expect, it } from 'vitest';
import {
  nationalCalendar,
  nationalCalendarCoverage,
} from '../../../../src/domain/calendar/national-calendar.js';

describe('nationalCalendar', () => {
  const calendar = nationalCalendar();

  it('holds the 2026 holidays and 调休 make-up days from chinese-days', () => {
    expect(calendar.holidays).toContain('2026-10-01'); // National Day
    expect(calendar.holidays).toContain('2026-02-17'); // Spring Festival
    expect(calendar.workdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    // Make-up days fall on weekends.
    for (const date of calendar.workdays) expect([0, 6]).toContain(new Date(`${date}T00:00:00Z`).getUTCDay());
  });

  it('covers only the years it claims, sorted', () => {
    expect(nationalCalendarCoverage()).toContain(2026);
    const years = new Set([...calendar.holidays, ...calendar.workdays].map((d) => Number(d.slice(0, 4))));
    expect([...years].every((y) => y === 2026 || y === 2027)).toBe(true);
    expect([...calendar.holidays].sort()).toEqual(calendar.holidays);
  });

  it('hands out copies', () => {
    nationalCalendar().holidays.push('2026-03-03');
    expect(nationalCalendar().holidays).not.toContain('2026-03-03');
  });
});
