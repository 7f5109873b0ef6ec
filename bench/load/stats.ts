/**
 * Latency statistics over the raw samples of a load run: nearest-rank percentiles and a
 * log-spaced histogram. Pure, so the report and the tests share them.
 */

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface HistogramBucket {
  /** Upper bound of the bucket in ms (inclusive); the last bucket is open (`Infinity`). */
  upToMs: number;
  count: number;
}

/** Nearest-rank percentile of ascending `sorted` samples; 0 when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * n);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))]!;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function summariseLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const x of sorted) sum += x;
  const n = sorted.length;
  return {
    count: n,
    mean: n ? round(sum / n) : 0,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(n ? sorted[n - 1]! : 0),
  };
}

/**
 * Bucket bounds 0.25 ms · 2^(k/2) up to ~4 s: fine where HTTP latencies live, wide enough for
 * a stalled server; then one open bucket.
 */
export const DEFAULT_BOUNDS_MS: readonly number[] = Array.from(
  { length: 29 },
  (_, k) => Math.round(0.25 * 2 ** (k / 2) * 1000) / 1000,
);

/** Counts samples per bucket; every sample lands in exactly one bucket. */
export function histogram(
  samples: ArrayLike<number>,
  bounds: readonly number[] = DEFAULT_BOUNDS_MS,
): HistogramBucket[] {
  const buckets: HistogramBucket[] = [
    ...bounds.map((upToMs) => ({ upToMs, count: 0 })),
    { upToMs: Number.POSITIVE_INFINITY, count: 0 },
  ];
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    let lo = 0;
    let hi = bounds.length; // the open bucket
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x <= bounds[mid]!) hi = mid;
      else lo = mid + 1;
    }
    buckets[lo]!.count++;
  }
  return buckets;
}

/** Drops the empty buckets at both ends (a readable chart), keeping at least one. */
export function trimHistogram(buckets: HistogramBucket[]): HistogramBucket[] {
  let first = buckets.findIndex((b) => b.count > 0);
  if (first < 0) return buckets.slice(0, 1);
  let last = buckets.length - 1;
  while (last > first && buckets[last]!.count === 0) last--;
  first = Math.max(0, first);
  return buckets.slice(first, last + 1);
}
