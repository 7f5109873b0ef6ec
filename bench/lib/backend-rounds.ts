/**
 * The arithmetic of the backends bench (bench/backends.ts): a run's CPU per request, the
 * order of the backends in each round, the medians over the rounds, and whether a figure lies
 * within the spread of another's rounds.
 */

/** One measured run of a case on one backend. */
export interface BackendRun {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  totalRequests: number;
  non2xx: number;
  errors: number;
  /** Milliseconds of the server process's CPU per request over the measured window. */
  serverCpuMsPerRequest: number;
  /**
   * Milliseconds of the database server's CPU (all its processes) per request; null on
   * SQLite, whose work is done inside the server process and counted there, or when the
   * database's processes cannot be read (a server on another machine).
   */
  dbCpuMsPerRequest: number | null;
}

/** CPU milliseconds over a window, per request; 3 decimals (µs). Null stays null. */
export function perRequest(cpuMs: number | null, requests: number): number | null {
  if (cpuMs === null || requests <= 0) return null;
  return Math.round((cpuMs / requests) * 1000) / 1000;
}

/**
 * The backends in the order a round runs them: as given in even rounds, reversed in odd ones
 * (A B, B A, …), so a drift of the machine during a round favours neither.
 */
export function roundOrder<T>(backends: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...backends] : [...backends].reverse();
}

/** The lower median: with an even count, the smaller of the middle two. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('no values');
  return [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
}

/** Each figure's median over the rounds, taken figure by figure. */
export function medianRun(runs: BackendRun[]): BackendRun {
  const of = (pick: (r: BackendRun) => number) => median(runs.map(pick));
  const db = runs.map((r) => r.dbCpuMsPerRequest);
  return {
    requestsPerSecond: Math.round(of((r) => r.requestsPerSecond)),
    p50Ms: of((r) => r.p50Ms),
    p99Ms: of((r) => r.p99Ms),
    totalRequests: of((r) => r.totalRequests),
    non2xx: of((r) => r.non2xx),
    errors: of((r) => r.errors),
    serverCpuMsPerRequest: of((r) => r.serverCpuMsPerRequest),
    dbCpuMsPerRequest: db.some((x) => x === null) ? null : median(db as number[]),
  };
}

/** The smallest and largest of the values. */
export function spread(values: number[]): { min: number; max: number } {
  if (values.length === 0) throw new Error('no values');
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** `value` between the smallest and the largest of `values`, both included. */
export function withinSpread(value: number, values: number[]): boolean {
  const { min, max } = spread(values);
  return value >= min && value <= max;
}
