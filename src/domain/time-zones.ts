import { DateTime, IANAZone } from 'luxon';

/**
 * Time zones, in one place: which IANA names are accepted, and epoch ms → local day and minute
 * in a zone, fast enough for the ringback and switchboard hot path.
 *
 * Building a luxon DateTime per call costs microseconds; the offset of a zone only changes at
 * its transitions, so it is asked of luxon once per (zone, UTC hour) and kept in a small table
 * (2 bytes per hour, in pages of 4,096 hours). An hour that holds a transition (e.g.
 * Australia/Adelaide's, at :30 UTC) is marked and remembers the exact instant of the change,
 * so DST zones stay right to the millisecond. This assumes a zone changes offset at most once
 * in an hour, which holds for every zone in the tz database.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const PAGE_BITS = 12;
const PAGE_MASK = (1 << PAGE_BITS) - 1;
/** Pages kept per zone before the cache starts over: ~47 years of hours. */
const PAGE_LIMIT = 100;
/** Table values besides offsets in minutes (which stay within ±18 h = ±1,080). */
const UNFILLED = 32_767;
const SPLIT = -32_768;

interface Transition {
  /** Offset in ms before `atMs` and from `atMs` on. */
  before: number;
  after: number;
  atMs: number;
}

export class ZoneOffsets {
  readonly name: string;
  private readonly zone: IANAZone;
  private readonly pages = new Map<number, Int16Array>();
  private readonly transitions = new Map<number, Transition>();
  private lastPageIndex = Number.NaN;
  private lastPage: Int16Array = new Int16Array(0);

  constructor(name: string) {
    if (!IANAZone.isValidZone(name)) throw new RangeError(`unknown time zone: ${name}`);
    this.name = name;
    this.zone = IANAZone.create(name);
  }

  /** The zone's UTC offset at `atMs`, in ms (east positive). */
  offsetMs(atMs: number): number {
    const hour = Math.floor(atMs / HOUR_MS);
    const pageIndex = Math.floor(hour / (PAGE_MASK + 1));
    const page = pageIndex === this.lastPageIndex ? this.lastPage : this.page(pageIndex);
    let minutes = page[hour & PAGE_MASK]!;
    if (minutes === UNFILLED) minutes = this.fill(page, hour);
    if (minutes !== SPLIT) return minutes * MINUTE_MS;
    const transition = this.transitions.get(hour)!;
    return atMs < transition.atMs ? transition.before : transition.after;
  }

  private page(pageIndex: number): Int16Array {
    let page = this.pages.get(pageIndex);
    if (page === undefined) {
      if (this.pages.size >= PAGE_LIMIT) {
        this.pages.clear();
        this.transitions.clear();
      }
      page = new Int16Array(PAGE_MASK + 1).fill(UNFILLED);
      this.pages.set(pageIndex, page);
    }
    this.lastPageIndex = pageIndex;
    this.lastPage = page;
    return page;
  }

  private fill(page: Int16Array, hour: number): number {
    const from = hour * HOUR_MS;
    const to = from + HOUR_MS - 1;
    const before = this.zone.offset(from);
    const after = this.zone.offset(to);
    if (before === after && Number.isInteger(before) && Math.abs(before) < UNFILLED) {
      page[hour & PAGE_MASK] = before;
      return before;
    }
    // Smallest instant in the hour that already has the new offset.
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.zone.offset(mid) === after) hi = mid;
      else lo = mid + 1;
    }
    this.transitions.set(hour, { before: before * MINUTE_MS, after: after * MINUTE_MS, atMs: lo });
    page[hour & PAGE_MASK] = SPLIT;
    return SPLIT;
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The shared offset cache of a zone; throws a RangeError for a name the tz database lacks. */
export function zoneOffsets(name: string): ZoneOffsets {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = new ZoneOffsets(name);
    zones.set(name, zone);
  }
  return zone;
}

/**
 * The canonical IANA name of a zone (`asia/shanghai` → `Asia/Shanghai`), or null when it is not
 * an IANA `Area/Location` zone or UTC. Abbreviations such as `CST` are refused: they are
 * ambiguous (US Central, China Standard, Cuba).
 */
export function canonicalTimezone(zone: string): string | null {
  if (!(zone.includes('/') || zone.toUpperCase() === 'UTC') || !IANAZone.isValidZone(zone)) return null;
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  return canonical.includes('/') || canonical === 'UTC' ? canonical : null;
}

export interface LocalTime {
  /** Local calendar day, as days since 1970-01-01. */
  dayNumber: number;
  /** Local minute of the day, 0..1439. */
  minute: number;
}

/** The local day and minute in `zone` at epoch ms `atMs`. */
export function localTimeOf(zone: ZoneOffsets, atMs: number): LocalTime {
  if (!Number.isFinite(atMs)) throw new RangeError(`not a time: ${atMs}`);
  const local = atMs + zone.offsetMs(atMs);
  const dayNumber = Math.floor(local / DAY_MS);
  return { dayNumber, minute: Math.floor((local - dayNumber * DAY_MS) / MINUTE_MS) };
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (as a calendar date, no zone involved). */
export function dayNumberOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number; 1970-01-01 was a Thursday. */
export function isoWeekdayOf(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** `YYYY-MM-DD` of a day number. */
export function formatDayNumber(dayNumber: number): string {
  return DateTime.fromMillis(dayNumber * DAY_MS, { zone: 'utc' }).toISODate() ?? '';
}
