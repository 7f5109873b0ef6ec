import { DEFAULT_MAX_RETRIES, type Menu } from './types.js';

/**
 * The voice menu (语音菜单) as a pure decision: given where the caller is in the menu tree,
 * how many tries they have used there, and what they keyed, where the call goes next.
 *
 * Precedence for keyed digits: the menu's own option for that key, then an extension of the
 * switchboard (auto transfer, 自动转接), then `0` for the operator desk (unless the menu gave
 * `0` another meaning); anything else is invalid input. Invalid input and timeouts replay the
 * prompt up to `maxRetries` times; the next failure goes to the operator desk.
 */

export type MenuOutcome =
  | { kind: 'member'; memberId: string; extension: string | null; explanation: string }
  | { kind: 'unassigned_extension'; extension: string; explanation: string }
  | { kind: 'operator'; cause: 'chosen' | 'retries_exhausted'; explanation: string }
  | { kind: 'submenu'; path: string[]; menu: Menu; explanation: string }
  | { kind: 'retry'; retries: number; menu: Menu; explanation: string };

export interface MenuContext {
  menu: Menu;
  /** extension → member id */
  extensions: ReadonlyMap<string, string>;
}

/** The menu reached by following submenu keys from the root; stops at the deepest valid one. */
export function menuAtPath(root: Menu, path: readonly string[]): Menu {
  let menu = root;
  for (const key of path) {
    const option = menu.options[key];
    if (option?.action !== 'submenu') break;
    menu = option.menu;
  }
  return menu;
}

/** `input` is the keyed digits, or null for a timeout (the caller keyed nothing). */
export function chooseFromMenu(
  context: MenuContext,
  path: readonly string[],
  retries: number,
  input: string | null,
): MenuOutcome {
  const menu = menuAtPath(context.menu, path);
  if (input !== null) {
    const option = Object.hasOwn(menu.options, input) ? menu.options[input] : undefined;
    if (option !== undefined) {
      switch (option.action) {
        case 'operator':
          return { kind: 'operator', cause: 'chosen', explanation: `key ${input} is the operator desk` };
        case 'member':
          return {
            kind: 'member',
            memberId: option.memberId,
            extension: null,
            explanation: `key ${input} reaches member ${option.memberId}`,
          };
        case 'submenu':
          return {
            kind: 'submenu',
            path: [...path, input],
            menu: option.menu,
            explanation: `key ${input} opens a submenu`,
          };
        case 'extension': {
          const memberId = context.extensions.get(option.extension);
          return memberId === undefined
            ? {
                kind: 'unassigned_extension',
                extension: option.extension,
                explanation: `key ${input} names extension ${option.extension}, which no member holds`,
              }
            : {
                kind: 'member',
                memberId,
                extension: option.extension,
                explanation: `key ${input} transfers to extension ${option.extension}`,
              };
        }
      }
    }
    const memberId = context.extensions.get(input);
    if (memberId !== undefined) {
      return { kind: 'member', memberId, extension: input, explanation: `${input} is an extension` };
    }
    if (input === '0') {
      return { kind: 'operator', cause: 'chosen', explanation: '0 reaches the operator desk' };
    }
  }
  const maxRetries = menu.maxRetries ?? DEFAULT_MAX_RETRIES;
  const failure =
    input === null ? 'no input before the timeout' : `${input} is neither an option nor an extension`;
  if (retries < maxRetries) {
    return {
      kind: 'retry',
      retries: retries + 1,
      menu,
      explanation: `${failure}; the prompt replays (${retries + 1} of ${maxRetries})`,
    };
  }
  return {
    kind: 'operator',
    cause: 'retries_exhausted',
    explanation: `${failure}, after ${maxRetries} replays; the call goes to the operator desk`,
  };
}

/**
 * The keys, as paths from the root menu, whose option sends the caller to `memberId`:
 * `[['3'], ['2', '4']]` is key 3 of the root menu and key 4 of the submenu under key 2.
 */
export function menuKeysOfMember(root: Menu, memberId: string): string[][] {
  const found: string[][] = [];
  const pending: { menu: Menu; path: string[] }[] = [{ menu: root, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const [key, option] of Object.entries(next.menu.options)) {
      if (option.action === 'member' && option.memberId === memberId) found.push([...next.path, key]);
      else if (option.action === 'submenu') pending.push({ menu: option.menu, path: [...next.path, key] });
    }
  }
  return found.sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}
