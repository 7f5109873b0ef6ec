import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalMobile,
  isDialString,
  parseWithLibrary,
  toE164,
  toMobileE164,
} from '../../../src/domain/phone.js';

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

describe('the canonical-mobile shortcut answers exactly as the library', () => {
  /** What the library says of `input`, through the contract's two readings. */
  const library = (input: string) => {
    const parsed = parseWithLibrary(input);
    return { any: parsed?.e164 ?? null, mobile: parsed?.mobile ? parsed.e164 : null };
  };
  const shortcut = (input: string) => {
    const e164 = canonicalMobile(input);
    return e164 === null ? null : { any: e164, mobile: e164 };
  };
  /** The three canonical forms of eleven digits, which the shortcut reads. */
  const forms = (eleven: string) => [eleven, `+86${eleven}`, `86${eleven}`];

  /** When the shortcut answers, it is the library's answer; the public functions agree too. */
  const agrees = (input: string) => {
    const expected = library(input);
    const fast = shortcut(input);
    if (fast !== null) expect(fast).toEqual(expected);
    expect(toE164(input)).toBe(expected.any);
    expect(toMobileE164(input)).toBe(expected.mobile);
    return fast !== null;
  };

  it('agrees on every four-digit leading range of eleven-digit numbers, in every form', () => {
    // The metadata's mobile, carrier-code and international prefixes are decided by the leading
    // digits: every 1XXX range, with suffixes of all zeros, all nines and a mixed one.
    let taken = 0;
    for (let lead = 1000; lead <= 1999; lead++) {
      for (const tail of ['0000000', '9999999', '5038214']) {
        for (const input of forms(`${lead}${tail}`)) if (agrees(input)) taken++;
      }
    }
    // The shortcut must actually serve the common ranges, not fall back for everything.
    expect(taken).toBeGreaterThan(1000);
  });

  it('agrees on every seven-digit range of the partly allocated mobile blocks', () => {
    for (const prefix of ['1349', '1410', '1440', '1450', '1610', '1740', '1700', '1920']) {
      for (let block = 0; block < 1000; block++) {
        const eleven = `${prefix}${String(block).padStart(3, '0')}${String(block * 7919)
          .slice(-4)
          .padStart(4, '0')}`;
        for (const input of forms(eleven)) agrees(input);
      }
    }
  });

  it('agrees on random digit strings and near-canonical shapes (property)', () => {
    const near = fc.oneof(
      digits(11, 11),
      digits(10, 10).map((d) => `1${d}`),
      nationalMobile,
      nationalMobile.map((n) => `+86${n}`),
      nationalMobile.map((n) => `86${n}`),
      digits(11, 11).map((d) => `+86${d}`),
      digits(11, 11).map((d) => `86${d}`),
      digits(12, 14).map((d) => `+${d}`),
      digits(10, 14),
      nationalMobile.map((n) => ` ${n}`),
      nationalMobile.map((n) => `+87${n.slice(0, 11)}`),
      nationalMobile.map((n) => `+${n.slice(0, 2)}${n}`),
      fc.string({ maxLength: 16 }),
    );
    fc.assert(
      fc.property(near, (input) => void agrees(input)),
      { numRuns: 5000 },
    );
  });

  it('reads no string of fewer than seven digits as a number, as the library does', () => {
    // Every string of up to four digits, then random five- and six-digit ones.
    for (let length = 0; length <= 4; length++) {
      for (let n = 0; n < 10 ** length; n++) {
        const input = String(n).padStart(length, '0');
        expect(parseWithLibrary(input)).toBeNull();
        expect(toE164(input)).toBeNull();
      }
    }
    fc.assert(
      fc.property(digits(5, 6), (input) => {
        expect(parseWithLibrary(input)).toBeNull();
        expect(toE164(input)).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('answers a flat E.164 string, and the very input when it is already E.164', () => {
    expect(canonicalMobile('13800138000')).toBe('+8613800138000');
    expect(canonicalMobile('8613800138000')).toBe('+8613800138000');
    const e164 = '+8613800138000';
    expect(canonicalMobile(e164)).toBe(e164);
    // Not canonical: left to the library (which may still accept it).
    for (const input of [
      '+86 138 0013 8000',
      ' 13800138000',
      '01012345678',
      '12593800138',
      '+8601380013800',
    ]) {
      expect(canonicalMobile(input)).toBeNull();
    }
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
