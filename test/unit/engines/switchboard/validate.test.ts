import { describe, expect, it } from 'vitest';
import type { Menu } from '../../../../src/engines/switchboard/types.js';
import {
  EXTENSION_PATTERN,
  MAX_SUBMENU_DEPTH,
  MENU_KEY_PATTERN,
  OUTBOUND_PREFIX_PATTERN,
  validateSwitchboard,
} from '../../../../src/engines/switchboard/validate.js';

const MEMBERS = new Set(['m1', 'm2']);
const context = { isGroupMember: (id: string) => MEMBERS.has(id) };

const leaf: Menu = { prompt: '请按分机号', options: { '0': { action: 'operator' } } };

/** A menu whose submenus nest `depth` levels below the root, always under key 1. */
function nested(depth: number): Menu {
  let menu: Menu = leaf;
  for (let i = 0; i < depth; i++)
    menu = { prompt: `level ${depth - i - 1}`, options: { '1': { action: 'submenu', menu } } };
  return menu;
}

describe('validateSwitchboard', () => {
  it('accepts a full configuration: hours, a menu with every action and a submenu', () => {
    const menu: Menu = {
      prompt: '欢迎致电，查号请按1，销售请按2，人工服务请按0',
      maxRetries: 3,
      options: {
        '0': { action: 'operator' },
        '1': { action: 'extension', extension: '8001' },
        '2': { action: 'member', memberId: 'm1' },
        '#': {
          action: 'submenu',
          menu: { prompt: '售后', options: { '*': { action: 'member', memberId: 'm2' } } },
        },
      },
    };
    const hours = { weekdays: [1, 2, 3, 4, 5] as const, start: '08:30', end: '17:30' };
    expect(
      validateSwitchboard({ businessHours: { ...hours, weekdays: [...hours.weekdays] }, menu }, context),
    ).toEqual([]);
  });

  it('accepts hours that run past midnight, and no hours at all', () => {
    expect(
      validateSwitchboard(
        { businessHours: { weekdays: [5], start: '22:00', end: '06:00' }, menu: leaf },
        context,
      ),
    ).toEqual([]);
    expect(validateSwitchboard({ businessHours: null, menu: leaf }, context)).toEqual([]);
  });

  it('refuses an empty window (start equal to end) as switchboard_invalid at businessHours.end', () => {
    expect(
      validateSwitchboard(
        { businessHours: { weekdays: [1], start: '09:00', end: '09:00' }, menu: leaf },
        context,
      ),
    ).toEqual([
      { path: 'businessHours.end', message: expect.stringContaining('differ'), code: 'switchboard_invalid' },
    ]);
  });

  it('names each member option outside the group by its path, at any depth', () => {
    const menu: Menu = {
      prompt: 'root',
      options: {
        '3': { action: 'member', memberId: 'stranger' },
        '4': { action: 'member', memberId: 'm1' },
        '5': {
          action: 'submenu',
          menu: { prompt: 'sub', options: { '2': { action: 'member', memberId: 'gone' } } },
        },
      },
    };
    expect(validateSwitchboard({ menu }, context)).toEqual([
      { path: 'menu.options.3.memberId', message: expect.any(String), code: 'member_outside_group' },
      {
        path: 'menu.options.5.menu.options.2.memberId',
        message: expect.any(String),
        code: 'member_outside_group',
      },
    ]);
  });

  it(`allows submenus ${MAX_SUBMENU_DEPTH} deep and refuses one more`, () => {
    expect(validateSwitchboard({ menu: nested(MAX_SUBMENU_DEPTH) }, context)).toEqual([]);
    const issues = validateSwitchboard({ menu: nested(MAX_SUBMENU_DEPTH + 1) }, context);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'switchboard_invalid' });
    expect(issues[0]?.path).toBe(`menu${'.options.1.menu'.repeat(MAX_SUBMENU_DEPTH + 1)}`);
  });

  it('walks a very deep menu without exhausting the stack', () => {
    const issues = validateSwitchboard({ menu: nested(100_000) }, context);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.code).toBe('switchboard_invalid');
  });

  it('judges only the parts given (a PATCH)', () => {
    expect(validateSwitchboard({}, context)).toEqual([]);
    expect(
      validateSwitchboard({ businessHours: { weekdays: [1], start: '10:00', end: '10:00' } }, context),
    ).toHaveLength(1);
  });

  it('defends against shapes the HTTP schema normally refuses', () => {
    const menu = {
      prompt: ' ',
      maxRetries: 9,
      options: { '12': { action: 'extension', extension: '0123' }, x: { action: 'dial' } },
    } as unknown as Menu;
    const hours = { weekdays: [0, 2, 2], start: '24:00', end: '9:00' } as never;
    const paths = validateSwitchboard({ businessHours: hours, menu }, context).map((i) => i.path);
    expect(paths).toEqual([
      'businessHours.end',
      'businessHours.start',
      'businessHours.weekdays.0',
      'businessHours.weekdays.2',
      'menu.maxRetries',
      'menu.options.12',
      'menu.options.12.extension',
      'menu.options.x',
      'menu.options.x.action',
      'menu.prompt',
    ]);
  });
});

describe('patterns', () => {
  it.each(['10', '8001', '12345678'])('extension %s is well formed', (e) =>
    expect(EXTENSION_PATTERN.test(e)).toBe(true),
  );
  it.each(['0', '1', '01', '0800', '123456789', '12a', ''])('extension %s is not', (e) =>
    expect(EXTENSION_PATTERN.test(e)).toBe(false),
  );
  it('menu keys are single keypad keys', () => {
    expect(['0', '9', '*', '#'].every((k) => MENU_KEY_PATTERN.test(k))).toBe(true);
    expect(['10', 'a', '', '**'].some((k) => MENU_KEY_PATTERN.test(k))).toBe(false);
  });
  it('outbound prefixes are 1–4 keys', () => {
    expect(['9', '0', '*9', '9#00'].every((p) => OUTBOUND_PREFIX_PATTERN.test(p))).toBe(true);
    expect(['', '90000', '9a', '+9'].some((p) => OUTBOUND_PREFIX_PATTERN.test(p))).toBe(false);
  });
});
