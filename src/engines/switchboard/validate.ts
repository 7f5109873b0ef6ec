import type { BusinessHours, Menu } from './types.js';

/**
 * Domain validation of a switchboard's configuration (`POST …/switchboards`, or a PATCH merged
 * onto the stored one). The HTTP schema has already checked shapes and ranges; what is left are
 * the rules a well-formed body can still break: business hours whose window is empty, a menu
 * option naming someone outside the group, a menu nested too deep. Never throws: each problem
 * comes back as an issue with a dotted path (`menu.options.3.memberId`) and its catalogue code.
 */

/** An extension (分机): 2–8 digits, never starting with 0, which is the operator key. */
export const EXTENSION_PATTERN = /^[1-9][0-9]{1,7}$/;
/** A menu key: one of the telephone keypad's. */
export const MENU_KEY_PATTERN = /^[0-9*#]$/;
/** Digits an extension member dials before an outside number. */
export const OUTBOUND_PREFIX_PATTERN = /^[0-9*#]{1,4}$/;
/** `HH:MM`, 24-hour. */
export const CLOCK_TIME_PATTERN = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
/** Submenus below the root menu: the root is depth 0, its submenus depth 1, … */
export const MAX_SUBMENU_DEPTH = 5;
export const MAX_MENU_RETRIES = 5;
export const MAX_PROMPT_LENGTH = 500;

export interface SwitchboardIssue {
  path: string;
  message: string;
  code: 'switchboard_invalid' | 'member_outside_group';
}

/** The parts judged; an absent part is not (a PATCH leaves it as it was). */
export interface SwitchboardRules {
  businessHours?: BusinessHours | null | undefined;
  menu?: Menu | undefined;
}

export interface ValidationContext {
  /** Whether the member exists and belongs to the switchboard's group. */
  isGroupMember(memberId: string): boolean;
}

function validateHours(hours: BusinessHours, issues: SwitchboardIssue[]): void {
  const weekdays = hours.weekdays as readonly number[];
  if (weekdays.length === 0) {
    issues.push({
      path: 'businessHours.weekdays',
      message: 'is empty, so the switchboard would never open; omit businessHours to stay always open',
      code: 'switchboard_invalid',
    });
  }
  const seen = new Set<number>();
  weekdays.forEach((day, i) => {
    if (!Number.isInteger(day) || day < 1 || day > 7) {
      issues.push({
        path: `businessHours.weekdays.${i}`,
        message: `${String(day)} is not an ISO weekday 1 (Monday)..7 (Sunday)`,
        code: 'switchboard_invalid',
      });
    } else if (seen.has(day)) {
      issues.push({
        path: `businessHours.weekdays.${i}`,
        message: `weekday ${day} is listed twice`,
        code: 'switchboard_invalid',
      });
    }
    seen.add(day);
  });
  for (const field of ['start', 'end'] as const) {
    if (!CLOCK_TIME_PATTERN.test(hours[field])) {
      issues.push({
        path: `businessHours.${field}`,
        message: 'must be a time HH:MM, e.g. 08:30',
        code: 'switchboard_invalid',
      });
    }
  }
  if (hours.start === hours.end) {
    issues.push({
      path: 'businessHours.end',
      message:
        'must differ from start: the window would be empty (an end before the start runs past midnight)',
      code: 'switchboard_invalid',
    });
  }
}

/** Walks the menu tree without recursion, so no depth of input can exhaust the stack. */
function validateMenu(root: Menu, context: ValidationContext, issues: SwitchboardIssue[]): void {
  const pending: Array<{ menu: Menu; path: string; depth: number }> = [
    { menu: root, path: 'menu', depth: 0 },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { menu, path, depth } = next;
    if (typeof menu.prompt !== 'string' || menu.prompt.trim() === '') {
      issues.push({
        path: `${path}.prompt`,
        message: 'must be the text played',
        code: 'switchboard_invalid',
      });
    }
    const retries = menu.maxRetries;
    if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > MAX_MENU_RETRIES)) {
      issues.push({
        path: `${path}.maxRetries`,
        message: `must be an integer 0–${MAX_MENU_RETRIES}`,
        code: 'switchboard_invalid',
      });
    }
    for (const [key, option] of Object.entries(menu.options)) {
      const at = `${path}.options.${key}`;
      if (!MENU_KEY_PATTERN.test(key)) {
        issues.push({ path: at, message: 'a key is one of 0–9, * or #', code: 'switchboard_invalid' });
      }
      switch (option.action) {
        case 'operator':
          break;
        case 'extension':
          if (!EXTENSION_PATTERN.test(option.extension)) {
            issues.push({
              path: `${at}.extension`,
              message: 'an extension is 2–8 digits not starting with 0',
              code: 'switchboard_invalid',
            });
          }
          break;
        case 'member':
          if (!context.isGroupMember(option.memberId)) {
            issues.push({
              path: `${at}.memberId`,
              message: `${option.memberId} is not a member of the switchboard's group`,
              code: 'member_outside_group',
            });
          }
          break;
        case 'submenu':
          if (depth + 1 > MAX_SUBMENU_DEPTH) {
            issues.push({
              path: `${at}.menu`,
              message: `submenus nest at most ${MAX_SUBMENU_DEPTH} levels below the root menu`,
              code: 'switchboard_invalid',
            });
          } else {
            pending.push({ menu: option.menu, path: `${at}.menu`, depth: depth + 1 });
          }
          break;
        default:
          issues.push({
            path: `${at}.action`,
            message: 'must be operator, extension, member or submenu',
            code: 'switchboard_invalid',
          });
      }
    }
  }
}

/** Issues with a switchboard's hours and menu; empty when the configuration can be installed. */
export function validateSwitchboard(rules: SwitchboardRules, context: ValidationContext): SwitchboardIssue[] {
  const issues: SwitchboardIssue[] = [];
  if (rules.businessHours != null) validateHours(rules.businessHours, issues);
  if (rules.menu !== undefined) validateMenu(rules.menu, context, issues);
  // The walk's order is a stack's: answer in a stable order instead.
  return issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
