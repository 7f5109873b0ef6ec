import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogram, percentile, summariseLatencies, trimHistogram } from '../../../bench/load/stats.js';

const samples = fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { maxLength: 500 });

describe('latency statistics', () => {
  it('percentiles are monotone and lie within the samples', () => {
    fc.assert(
      fc.property(samples, (xs) => {
        const s = summariseLatencies(xs);
        expect(s.count).toBe(xs.length);
        expect(s.p50).toBeLessThanOrEqual(s.p90);
        expect(s.p90).toBeLessThanOrEqual(s.p99);
        expect(s.p99).toBeLessThanOrEqual(s.max);
        if (xs.length > 0) expect(s.max).toBeCloseTo(Math.max(...xs), 2);
      }),
    );
  });

  it('percentile(p) is monotone in p', () => {
    fc.assert(
      fc.property(
        samples,
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (xs, a, b) => {
          const sorted = Float64Array.from(xs).sort();
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(percentile(sorted, lo)).toBeLessThanOrEqual(percentile(sorted, hi));
        },
      ),
    );
  });

  it('histogram counts sum to the number of samples, each in its bucket', () => {
    fc.assert(
      fc.property(samples, (xs) => {
        const buckets = histogram(xs);
        expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(xs.length);
        const trimmed = trimHistogram(buckets);
        expect(trimmed.reduce((s, b) => s + b.count, 0)).toBe(xs.length);
      }),
    );
  });

  it('uses nearest rank and puts bounds in the lower bucket', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBe(0);
    const [a, b, open] = histogram([1, 1.5, 2, 99], [1, 2]);
    expect([a?.count, b?.count, open?.count, open?.upToMs]).toEqual([1, 2, 1, Number.POSITIVE_INFINITY]);
  });
});
