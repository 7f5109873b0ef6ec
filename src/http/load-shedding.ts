import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** under-pressure's per-route override: returning nothing admits the request. */
    pressureHandler?: () => undefined;
  }
}

/** Route config for what must answer under any load (`/healthz`): never shed. */
export const NEVER_SHED = { pressureHandler: () => undefined } as const;

export interface LoadSheddingOptions {
  /** Mean event-loop delay (ms) over a sample past which requests are refused; 0: never. */
  maxEventLoopDelayMs: number;
  /** Heap in use (MiB) past which requests are refused; 0: never. */
  maxHeapUsedMb: number;
  /** Resident set size (MiB) past which requests are refused; 0: never. */
  maxRssMb: number;
  /** How often the delay and memory are sampled (ms): how fast shedding starts and stops. */
  sampleIntervalMs: number;
  retryAfterSeconds: number;
}

const MIB = 1024 * 1024;

/**
 * Load shedding (@fastify/under-pressure): past the thresholds every request answers 503
 * problem+json with `Retry-After` at once (the error handler maps `FST_UNDER_PRESSURE`), instead
 * of queueing without bound behind work that already misses its time. Routes whose config
 * spreads NEVER_SHED (`/healthz`) keep answering.
 */
async function loadShedding(app: FastifyInstance, opts: LoadSheddingOptions): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs,
    maxHeapUsedBytes: opts.maxHeapUsedMb * MIB,
    maxRssBytes: opts.maxRssMb * MIB,
    sampleInterval: opts.sampleIntervalMs,
    retryAfter: opts.retryAfterSeconds,
    message: 'the service is overloaded; retry after the Retry-After seconds',
  });
}

export default fp(loadShedding, { name: 'load-shedding', fastify: '5.x', dependencies: ['problem-details'] });
