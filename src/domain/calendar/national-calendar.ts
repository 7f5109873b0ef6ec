import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

/**
 * The national calendar that new groups start with: public holidays and make-up working days
 * (调休) on top of Monday–Friday weeks.
 *
 * Source: the `chinese-days` package (https://github.com/vsme/chinese-days, MIT), whose data
 * follows the State Council's yearly holiday notices (国务院办公厅关于部分节假日安排的通知).
 * Its `holidays` are the dates off (weekend days inside a holiday included) and its
 * `workdays` the weekend dates that are worked instead.
 *
 * Coverage: 2026 only for now. chinese-days 1.5.7 has no 2027 yet: the State Council
 * publishes a year's arrangement in the preceding autumn or winter. 2027 is read here as
 * soon as an updated package carries it, with no code change.
 */

export const NATIONAL_CALENDAR_YEARS = [2026, 2027] as const;

export interface NationalCalendar {
  /** `YYYY-MM-DD`, ascending. */
  holidays: string[];
  /** `YYYY-MM-DD`, ascending. */
  workdays: string[];
}

function datesOf(days: Record<string, string>): string[] {
  const years = new Set<string>(NATIONAL_CALENDAR_YEARS.map(String));
  return Object.keys(days)
    .filter((date) => years.has(date.slice(0, 4)))
    .sort();
}

const holidays = datesOf(chineseDays.holidays);
const workdays = datesOf(chineseDays.workdays);

/** The years of `NATIONAL_CALENDAR_YEARS` that the data actually covers. */
export function nationalCalendarCoverage(): number[] {
  return NATIONAL_CALENDAR_YEARS.filter((year) => holidays.some((date) => date.startsWith(`${year}-`)));
}

/** A fresh copy of the shipped calendar, safe for the caller to keep or change. */
export function nationalCalendar(): NationalCalendar {
  return { holidays: [...holidays], workdays: [...workdays] };
}
