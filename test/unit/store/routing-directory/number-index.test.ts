import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dialledValue, NumberIndex } from '../../../../src/store/routing-directory/index.js';

/**
 * E.164 numbers, short codes and national numbers (the same digits in several forms: `601`,
 * `0601`, `+601`), and strings that are neither (too long, spaces, letters, empty).
 */
const key = fc.oneof(
  fc.integer({ min: 0, max: 400 }).map((n) => `+86138${String(n).padStart(8, '0')}`),
  fc.integer({ min: 0, max: 999 }).map((n) => `+${n}`),
  fc.integer({ min: 0, max: 999 }).map(String),
  fc.integer({ min: 0, max: 999 }).map((n) => `0${n}`),
  fc.constantFrom('+999999999999999', '999999999999999', '1000000000000000', '+1', '+0', '+00861'),
  fc.constantFrom('13800138000', '', '+', '+86 138', '8004', 'x', '0', '00', '-1', '1.5'),
);

type Op =
  | { kind: 'set'; key: string; value: number }
  | { kind: 'delete'; key: string }
  | { kind: 'get'; key: string }
  | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('get' as const), key }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('NumberIndex', () => {
  it('gives distinct numbers to distinct dialled strings, and none to anything else', () => {
    expect(dialledValue('+8613800138000')).toBe(8_613_800_138_000);
    expect(dialledValue('+999999999999999')).toBe(999_999_999_999_999);
    expect(dialledValue('601')).toBe(-1_601);
    expect(dialledValue('0601')).toBe(-10_601);
    expect(dialledValue('0')).toBe(-10);
    const forms = ['601', '0601', '00601', '+601', '6010', '13800138000', '+13800138000', '0'];
    expect(new Set(forms.map(dialledValue)).size).toBe(forms.length);
    for (const other of [
      '+',
      '',
      '+0',
      '+0861',
      '+86 138',
      '+1234567890123456',
      '1234567890123456',
      '+86a',
      '1.5',
    ])
      expect(dialledValue(other), other).toBeNaN();
  });

  it('behaves as a Map under any sequence of writes and reads (order, size, values)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const index = new NumberIndex<number>();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            expect(index.set(o.key, o.value)).toBe(index);
            model.set(o.key, o.value);
          } else if (o.kind === 'delete') {
            expect(index.delete(o.key)).toBe(model.delete(o.key));
          } else if (o.kind === 'clear') {
            index.clear();
            model.clear();
          }
          const probe = o.kind === 'clear' ? '+1' : o.key;
          expect(index.get(probe)).toBe(model.get(probe));
          expect(index.has(probe)).toBe(model.has(probe));
        }
        expect(index.size).toBe(model.size);
        expect([...index]).toEqual([...model]);
        for (const k of model.keys()) expect(index.get(k)).toBe(model.get(k));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every number found through growth and many deletions', () => {
    const index = new NumberIndex<number>();
    const number = (i: number) => `+861${String(3_000_000_000 + i * 7919)}`;
    for (let i = 0; i < 20_000; i++) index.set(number(i), i);
    for (let i = 0; i < 20_000; i += 2) index.delete(number(i));
    for (let i = 20_000; i < 30_000; i++) index.set(number(i), i);
    for (let i = 0; i < 30_000; i++)
      expect(index.get(number(i))).toBe(i < 20_000 && i % 2 === 0 ? undefined : i);
    expect(index.size).toBe(20_000);
  });
});
