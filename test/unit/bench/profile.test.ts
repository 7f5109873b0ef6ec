import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareByPlace, type ProfiledRun } from '../../../bench/lib/profile.js';

/** A profiled run whose places take `weights` shares of `cpu` µs per request. */
function run(weights: Record<string, number>, cpu: number): ProfiledRun {
  const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
  return {
    summary: {
      busyPercent: 100,
      byPlace: Object.entries(weights).map(([name, w]) => ({ name, percent: (w / total) * 100 })),
      topFunctions: [],
    },
    cpuMicrosecondsPerRequest: cpu,
  };
}

const places = fc.dictionary(
  fc.constantFrom(
    'native: writev',
    'fastify',
    'zod',
    'node: events',
    'src/engines/vpn/route.ts',
    'V8 garbage collector',
    'pino',
  ),
  fc.integer({ min: 1, max: 1_000 }),
  { minKeys: 1 },
);
const cpu = fc.double({ min: 1, max: 500, noNaN: true });

describe('compareByPlace', () => {
  it('splits the whole CPU difference between the places, largest first, with the rest in a last row', () => {
    fc.assert(
      fc.property(places, cpu, places, cpu, fc.integer({ min: 1, max: 8 }), (a, cpuA, b, cpuB, top) => {
        const rows = compareByPlace(run(a, cpuA), run(b, cpuB), top);
        const named = new Set([...Object.keys(a), ...Object.keys(b)]);
        const total = rows.reduce((sum, r) => sum + r.difference, 0);
        // Each row is rounded to 0.01 µs.
        expect(total).toBeCloseTo(cpuA - cpuB, 0);
        expect(Math.abs(total - (cpuA - cpuB))).toBeLessThanOrEqual(0.005 * rows.length + 1e-9);
        const listed = rows.filter((r) => named.has(r.place));
        expect(listed.length).toBe(Math.min(top, named.size));
        for (let i = 1; i < listed.length; i++)
          expect(listed[i - 1]!.difference).toBeGreaterThanOrEqual(listed[i]!.difference);
        if (named.size > top) expect(rows.at(-1)!.place).toBe(`(${named.size - top} other places)`);
        else expect(rows.length).toBe(named.size);
      }),
    );
  });

  it('leaves out a place that neither side was sampled in', () => {
    const rows = compareByPlace(
      run({ zod: 1, 'native: close': 0 }, 10),
      run({ zod: 1, 'native: close': 0 }, 8),
    );
    expect(rows.map((r) => r.place)).toEqual(['zod']);
  });

  it('reads a place that only one side has as zero on the other', () => {
    const rows = compareByPlace(run({ 'native: writev': 1, zod: 1 }, 60), run({ 'native: writev': 1 }, 20));
    expect(rows).toEqual([
      { place: 'zod', microseconds: 30, referenceMicroseconds: 0, difference: 30 },
      { place: 'native: writev', microseconds: 30, referenceMicroseconds: 20, difference: 10 },
    ]);
  });
});
