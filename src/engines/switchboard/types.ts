/**
 * The hosted switchboard (移动总机) as plain data: what the engine reads to answer a call at a
 * pilot number. The routing directory keeps one `SwitchboardEntry` per switchboard
 * (src/store/routing-directory/model.ts), with these fields.
 */

/** ISO 8601 weekdays: 1 Monday … 7 Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * Opening hours in the group's time zone. A window whose end is before its start runs past
 * midnight and belongs to the weekday it starts on (as ringback schedules do).
 */
export interface BusinessHours {
  weekdays: IsoWeekday[];
  /** `HH:MM`, 24-hour. */
  start: string;
  /** `HH:MM`, 24-hour. */
  end: string;
}

export type MenuOption =
  | { action: 'operator' }
  | { action: 'extension'; extension: string }
  | { action: 'member'; memberId: string }
  | { action: 'submenu'; menu: Menu };

/** A voice menu (语音菜单): its prompt is played, then a key chooses an option. */
export interface Menu {
  /** The text played. */
  prompt: string;
  /** Keyed by a single key: `0`–`9`, `*` or `#`. */
  options: Record<string, MenuOption>;
  /** Replays of the prompt after invalid input or a timeout before the operator desk; default 2. */
  maxRetries?: number;
}

/** What happens when an extension is busy, does not answer or rejects: default `operator`. */
export type SwitchboardFallback = 'operator' | 'hangup';

export type OperatorStatus = 'available' | 'busy' | 'offline';

export const DEFAULT_MAX_RETRIES = 2;
