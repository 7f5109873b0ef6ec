import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateCall } from '../../../../src/engines/rating/charge.js';

describe('rateCall', () => {
  it('charges every started minute; seconds round up', () => {
    expect(rateCall(0, 1, 10)).toEqual({ billableSeconds: 1, billedMinutes: 1, chargeFen: 10 });
    expect(rateCall(0, 60_000, 10)).toEqual({ billableSeconds: 60, billedMinutes: 1, chargeFen: 10 });
    expect(rateCall(0, 60_001, 10)).toEqual({ billableSeconds: 61, billedMinutes: 2, chargeFen: 20 });
    expect(rateCall(null, 60_000, 10)).toEqual({ billableSeconds: 0, billedMinutes: 0, chargeFen: 0 });
    expect(rateCall(5_000, 5_000, 10).chargeFen).toBe(0);
  });

  const duration = fc.integer({ min: 0, max: 10 * 3_600_000 });
  const rate = fc.integer({ min: 0, max: 1_000 });

  it('property: never negative, integer fen, whole minutes', () => {
    fc.assert(
      fc.property(duration, rate, (ms, r) => {
        const c = rateCall(0, ms, r);
        expect(c.chargeFen).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(c.chargeFen)).toBe(true);
        expect(c.chargeFen).toBe(c.billedMinutes * r);
        expect(c.billedMinutes * 60).toBeGreaterThanOrEqual(c.billableSeconds);
        expect((c.billedMinutes - 1) * 60).toBeLessThan(Math.max(c.billableSeconds, 1));
        expect(c.billableSeconds * 1000).toBeGreaterThanOrEqual(ms);
      }),
    );
  });

  it('property: monotone in duration and in rate', () => {
    fc.assert(
      fc.property(duration, duration, rate, rate, (a, b, r1, r2) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        const [low, high] = r1 <= r2 ? [r1, r2] : [r2, r1];
        expect(rateCall(0, short, low).chargeFen).toBeLessThanOrEqual(rateCall(0, long, low).chargeFen);
        expect(rateCall(0, short, low).chargeFen).toBeLessThanOrEqual(rateCall(0, short, high).chargeFen);
      }),
    );
  });
});
