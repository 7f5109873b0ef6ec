import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMERGENCY_NUMBERS,
  isEmergencyNumber,
  isShortCodeShaped,
  validateShortCode,
} from '../../../../src/engines/vpn/numbering-plan.js';

const PLAN = { shortCodeMin: 3, shortCodeMax: 6 };

describe('validateShortCode', () => {
  it.each(['200', '6201', '88888', '999999', '2000'])('accepts %s in a 3–6 plan', (code) => {
    expect(validateShortCode(code, PLAN)).toEqual({ ok: true });
  });

  it('rejects codes outside the length with the plan in the message', () => {
    expect(validateShortCode('62', PLAN)).toEqual({
      ok: false,
      code: 'short_code_invalid',
      message: 'short code must be 3–6 digits',
    });
    expect(validateShortCode('6201234', PLAN)).toMatchObject({
      ok: false,
      message: 'short code must be 3–6 digits',
    });
    expect(validateShortCode('', PLAN)).toMatchObject({ ok: false, code: 'short_code_invalid' });
  });

  it('says "exactly" when the plan has a single length', () => {
    const plan = { shortCodeMin: 4, shortCodeMax: 4 };
    expect(validateShortCode('620', plan)).toMatchObject({ message: 'short code must be exactly 4 digits' });
    expect(validateShortCode('6201', plan)).toEqual({ ok: true });
  });

  it.each(['62a1', '+6201', '*620', '62 01', '６２０１'])('rejects non-digits: %s', (code) => {
    const result = validateShortCode(code, PLAN);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('digits only');
  });

  it.each(['0201', '1201', '110', '120', '100000'])('rejects a leading 0 or 1: %s', (code) => {
    const result = validateShortCode(code, PLAN);
    expect(result).toMatchObject({ ok: false, code: 'short_code_invalid' });
    if (!result.ok) expect(result.message).toContain('must not start with 0 or 1');
  });
});

describe('isShortCodeShaped', () => {
  it('reads the plan from the VPN settings', () => {
    expect(isShortCodeShaped('6201', PLAN)).toBe(true);
    expect(isShortCodeShaped('62', PLAN)).toBe(false);
    expect(isShortCodeShaped('6201', { shortCodeMin: 5, shortCodeMax: 6 })).toBe(false);
    expect(isShortCodeShaped('1201', PLAN)).toBe(false);
    expect(isShortCodeShaped('#6201', PLAN)).toBe(false);
    expect(isShortCodeShaped('13800138000', PLAN)).toBe(false);
  });

  it('agrees with validateShortCode on every string', () => {
    const plan = fc
      .integer({ min: 1, max: 8 })
      .chain((min) =>
        fc.record({ shortCodeMin: fc.constant(min), shortCodeMax: fc.integer({ min, max: 8 }) }),
      );
    const dialled = fc.oneof(fc.stringMatching(/^[0-9]{0,9}$/), fc.string({ maxLength: 9 }));
    fc.assert(
      fc.property(plan, dialled, (p, s) => {
        expect(isShortCodeShaped(s, p)).toBe(validateShortCode(s, p).ok);
      }),
    );
  });
});

describe('emergency numbers', () => {
  it('are 110, 112, 119, 120 and 122', () => {
    expect([...EMERGENCY_NUMBERS].sort()).toEqual(['110', '112', '119', '120', '122']);
  });

  it('match exactly, never as a prefix or with a plus', () => {
    expect(isEmergencyNumber('110')).toBe(true);
    expect(isEmergencyNumber('1100')).toBe(false);
    expect(isEmergencyNumber('+110')).toBe(false);
    expect(isEmergencyNumber('111')).toBe(false);
  });

  it('can never be a short code in any plan', () => {
    for (const number of EMERGENCY_NUMBERS) {
      expect(validateShortCode(number, { shortCodeMin: 1, shortCodeMax: 8 }).ok).toBe(false);
      expect(isShortCodeShaped(number, { shortCodeMin: 1, shortCodeMax: 8 })).toBe(false);
    }
  });
});
