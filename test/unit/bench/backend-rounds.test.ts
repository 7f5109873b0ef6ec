import { describe, expect, it } from 'vitest';
import {
  type BackendRun,
  median,
  medianRun,
  perRequest,
  roundOrder,
  spread,
  withinSpread,
} from '../../../bench/lib/backend-rounds.js';

const run = (rps: number, p99: number, server: number, db: number | null): BackendRun => ({
  requestsPerSecond: rps,
  p50Ms: p99 / 2,
  p99Ms: p99,
  totalRequests: rps * 5,
  non2xx: 0,
  errors: 0,
  serverCpuMsPerRequest: server,
  dbCpuMsPerRequest: db,
});

describe('backend rounds', () => {
  it('takes CPU per request in ms, to the µs, and keeps an unread meter null', () => {
    expect(perRequest(1_000, 40_000)).toBe(0.025);
    expect(perRequest(1, 3)).toBe(0.333);
    expect(perRequest(null, 10)).toBeNull();
    expect(perRequest(5, 0)).toBeNull();
  });

  it('swaps the order every other round', () => {
    const order = [0, 1, 2, 3].map((round) => roundOrder(['sqlite', 'postgres'], round).join(' '));
    expect(order).toEqual(['sqlite postgres', 'postgres sqlite', 'sqlite postgres', 'postgres sqlite']);
  });

  it('takes the lower median, figure by figure', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(() => median([])).toThrow();
    const m = medianRun([run(100, 9, 0.5, 0.2), run(300, 3, 0.1, 0.4), run(200, 6, 0.3, 0.3)]);
    expect(m).toMatchObject({
      requestsPerSecond: 200,
      p99Ms: 6,
      serverCpuMsPerRequest: 0.3,
      dbCpuMsPerRequest: 0.3,
    });
  });

  it('leaves the database CPU unknown when a round could not read it', () => {
    expect(
      medianRun([run(1, 1, 1, 0.2), run(1, 1, 1, null), run(1, 1, 1, 0.3)]).dbCpuMsPerRequest,
    ).toBeNull();
  });

  it('says whether a figure lies within the spread of rounds, ends included', () => {
    expect(spread([5, 2, 9])).toEqual({ min: 2, max: 9 });
    expect(withinSpread(2, [5, 2, 9])).toBe(true);
    expect(withinSpread(9, [5, 2, 9])).toBe(true);
    expect(withinSpread(1.99, [5, 2, 9])).toBe(false);
    expect(withinSpread(9.01, [5, 2, 9])).toBe(false);
  });
});
