import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseFromMenu, menuAtPath, menuKeysOfMember } from '../../../../src/engines/switchboard/menu.js';
import type { Menu } from '../../../../src/engines/switchboard/types.js';

const sales: Menu = {
  prompt: 'Sales: 1 for orders, 2 for Li',
  options: { '1': { action: 'extension', extension: '8101' }, '2': { action: 'member', memberId: 'li' } },
};
const root: Menu = {
  prompt: 'Welcome: 1 sales, 9 operator, or dial an extension',
  options: {
    '1': { action: 'submenu', menu: sales },
    '9': { action: 'operator' },
    '5': { action: 'extension', extension: '8999' },
  },
};
const context = {
  menu: root,
  extensions: new Map([
    ['8001', 'zhang'],
    ['8101', 'orders'],
  ]),
};

describe('chooseFromMenu', () => {
  it('a menu option wins over an extension and over 0', () => {
    expect(chooseFromMenu(context, [], 0, '1')).toMatchObject({ kind: 'submenu', path: ['1'], menu: sales });
    expect(chooseFromMenu(context, [], 0, '9')).toMatchObject({ kind: 'operator', cause: 'chosen' });
    const zeroElsewhere = {
      ...context,
      menu: { ...root, options: { '0': { action: 'member', memberId: 'boss' } } },
    } as const;
    expect(chooseFromMenu(zeroElsewhere, [], 0, '0')).toMatchObject({ kind: 'member', memberId: 'boss' });
  });

  it('digits that match an extension transfer to it; 0 is the operator desk', () => {
    expect(chooseFromMenu(context, [], 0, '8001')).toMatchObject({
      kind: 'member',
      memberId: 'zhang',
      extension: '8001',
    });
    expect(chooseFromMenu(context, [], 0, '0')).toMatchObject({ kind: 'operator', cause: 'chosen' });
  });

  it('submenus resolve their own options and extension options', () => {
    expect(chooseFromMenu(context, ['1'], 0, '1')).toMatchObject({
      kind: 'member',
      memberId: 'orders',
      extension: '8101',
    });
    expect(chooseFromMenu(context, ['1'], 0, '2')).toMatchObject({
      kind: 'member',
      memberId: 'li',
      extension: null,
    });
    expect(chooseFromMenu(context, [], 0, '5')).toMatchObject({
      kind: 'unassigned_extension',
      extension: '8999',
    });
    expect(menuAtPath(root, ['1', '7'])).toBe(sales);
  });

  it('invalid input and timeouts replay up to maxRetries, then the operator desk', () => {
    expect(chooseFromMenu(context, [], 0, '7')).toMatchObject({ kind: 'retry', retries: 1 });
    expect(chooseFromMenu(context, [], 1, null)).toMatchObject({ kind: 'retry', retries: 2 });
    expect(chooseFromMenu(context, [], 2, '7')).toMatchObject({
      kind: 'operator',
      cause: 'retries_exhausted',
    });
    const strict = { ...context, menu: { ...root, maxRetries: 0 } };
    expect(chooseFromMenu(strict, [], 0, null)).toMatchObject({
      kind: 'operator',
      cause: 'retries_exhausted',
    });
  });

  it('property: with maxRetries r, the (r+1)-th consecutive failure and no earlier one reaches the operator', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.option(fc.constantFrom('3', '4', '6', '77', '#'), { nil: null }), {
          minLength: 1,
          maxLength: 8,
        }),
        (maxRetries, inputs) => {
          const menu = { ...context, menu: { ...root, maxRetries } };
          let retries = 0;
          for (let i = 0; i < inputs.length; i++) {
            const outcome = chooseFromMenu(menu, [], retries, inputs[i]!);
            if (i < maxRetries) {
              expect(outcome).toMatchObject({ kind: 'retry', retries: i + 1 });
              retries = i + 1;
            } else {
              expect(outcome).toMatchObject({ kind: 'operator', cause: 'retries_exhausted' });
              return;
            }
          }
        },
      ),
    );
  });
});

describe('menuKeysOfMember', () => {
  it('finds every key that sends callers to the member, in submenus too, as paths from the root', () => {
    const twice: Menu = {
      ...root,
      options: {
        ...root.options,
        '3': { action: 'member', memberId: 'li' },
        '4': { action: 'member', memberId: 'wu' },
      },
    };
    expect(menuKeysOfMember(twice, 'li')).toEqual([['1', '2'], ['3']]);
    expect(menuKeysOfMember(twice, 'wu')).toEqual([['4']]);
    // An extension held by the member is not a menu key naming them.
    expect(menuKeysOfMember(root, 'orders')).toEqual([]);
    expect(menuKeysOfMember(root, 'nobody')).toEqual([]);
  });

  it('agrees with following each path it answers: the option there names the member', () => {
    const member = fc.constantFrom('li', 'wu', 'zhang');
    const option = fc.letrec((tie) => ({
      menu: fc.record({
        prompt: fc.constant('p'),
        options: fc.dictionary(
          fc.constantFrom('1', '2', '3', '*'),
          tie('option') as fc.Arbitrary<Menu['options'][string]>,
          {
            maxKeys: 3,
          },
        ),
      }),
      option: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ action: fc.constant('member' as const), memberId: member }),
        fc.record({ action: fc.constant('operator' as const) }),
        fc.record({ action: fc.constant('submenu' as const), menu: tie('menu') as fc.Arbitrary<Menu> }),
      ),
    }));
    fc.assert(
      fc.property(option.menu as fc.Arbitrary<Menu>, member, (menu, id) => {
        const paths = menuKeysOfMember(menu, id);
        for (const path of paths) {
          const last = path.at(-1)!;
          const option = menuAtPath(menu, path.slice(0, -1)).options[last];
          expect(option).toEqual({ action: 'member', memberId: id });
        }
        // Every member option naming `id`, counted by a plain recursive walk, is found.
        const count = (m: Menu): number =>
          Object.values(m.options).reduce(
            (n, o) =>
              n +
              (o.action === 'member' && o.memberId === id ? 1 : o.action === 'submenu' ? count(o.menu) : 0),
            0,
          );
        expect(paths.length).toBe(count(menu));
      }),
      { seed: 20_261_125, numRuns: 200 },
    );
  });
});
