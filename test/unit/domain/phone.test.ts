import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDialString, toE164, toMobileE164 } from '../../../src/domain/phone.js';

/** Three-digit mobile prefixes that are allocated in full (154x and 194x are not). */
const MOBILE_PREFIXES = [
  ...['130', '131', '132', '133', '134', '135', '136', '137', '138', '139'],
  ...['150', '151', '152', '153', '155', '156', '157', '158', '159'],
  ...['180', '181', '182', '183', '184', '185', '186', '187', '188', '189'],
  ...['190', '191', '192', '193', '195', '196', '197', '198', '199'],
];

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** An 11-digit national mobile number, e.g. `13800138000`. */
const nationalMobile = fc
  .tuple(fc.constantFrom(...MOBILE_PREFIXES), digits(8, 8))
  .map(([prefix, rest]) => `${prefix}${rest}`);

const spaced = (n: string) => `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`;

describe('toE164 / toMobileE164', () => {
  it.each([
    ['13800138000', '+8613800138000'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['8613800138000', '+8613800138000'],
    ['+8613800138000', '+8613800138000'],
    ['+86 (138) 0013-8000', '+8613800138000'],
    [' 13800138000 ', '+8613800138000'],
  ])('reads the mobile number %j as %s', (input, e164) => {
    expect(toE164(input)).toBe(e164);
    expect(toMobileE164(input)).toBe(e164);
  });

  it.each([
    ['01012345678', '+861012345678'],
    ['010-1234-5678', '+861012345678'],
    ['+86 10 1234 5678', '+861012345678'],
  ])('accepts the Beijing landline %j as any number but not as a mobile', (input, e164) => {
    expect(toE164(input)).toBe(e164);
    expect(toMobileE164(input)).toBeNull();
  });

  it.each([
    '',
    '   ',
    '+',
    'abc',
    'hello world',
    '1380013800a',
    '138-0013-800O',
    '1380013800', // 10 digits: one short
    '138001380001', // 12 digits: one too many
    '138',
    '110', // an emergency number is dialled, never a subscriber number
    '95100',
    '+1 (138) 0013 8000 ext 5',
    '１３８００１３８０００', // full-width digits
    '13800138000;drop table',
    `1${'3'.repeat(40)}`,
  ])('rejects %j', (input) => {
    expect(toE164(input)).toBeNull();
    expect(toMobileE164(input)).toBeNull();
  });

  it('normalises the national, spaced international and plus-less international forms alike', () => {
    fc.assert(
      fc.property(nationalMobile, (n) => {
        const expected = `+86${n}`;
        for (const form of [n, spaced(n), `86${n}`, `+86${n}`]) {
          expect(toE164(form)).toBe(expected);
          expect(toMobileE164(form)).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent: an E.164 answer reads as itself', () => {
    const candidates = fc.oneof(
      nationalMobile,
      nationalMobile.map(spaced),
      nationalMobile.map((n) => `86${n}`),
      fc.tuple(fc.constantFrom('010', '021', '0311', '0755'), digits(7, 8)).map(([a, b]) => a + b),
      digits(1, 15),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(candidates, (input) => {
        const once = toE164(input);
        if (once === null) return;
        expect(once).toMatch(/^\+86\d+$/);
        expect(toE164(once)).toBe(once);
        expect(toMobileE164(once)).toBe(toMobileE164(input));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects any string containing a letter', () => {
    const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const withLetter = fc
      .tuple(
        fc.oneof(nationalMobile, digits(0, 12), fc.string({ maxLength: 8 })),
        letter,
        fc.oneof(digits(0, 12), fc.string({ maxLength: 8 })),
      )
      .map(([before, l, after]) => `${before}${l}${after}`);
    fc.assert(
      fc.property(withLetter, (input) => {
        expect(toE164(input)).toBeNull();
        expect(toMobileE164(input)).toBeNull();
        expect(isDialString(input)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('isDialString', () => {
  it.each(['110', '6201', '13800138000', '+8613800138000', '*86', '#31', '0', '9'.repeat(20)])(
    'accepts %j as dialled',
    (input) => {
      expect(isDialString(input)).toBe(true);
    },
  );

  it.each([
    '',
    '+',
    '*',
    '+86 138 0013 8000',
    '138-0013-8000',
    '*123#',
    '++86',
    '#*1',
    '62a1',
    '9'.repeat(21),
    ' 110',
    '110 ',
  ])('rejects %j', (input) => {
    expect(isDialString(input)).toBe(false);
  });

  it('accepts exactly 1–20 digits with an optional leading +, * or #', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '+', '*', '#'), digits(1, 20), (lead, body) => {
        expect(isDialString(`${lead}${body}`)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom('', '+', '*', '#'), digits(21, 30), (lead, body) => {
        expect(isDialString(`${lead}${body}`)).toBe(false);
      }),
    );
  });
});
