import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problemBody } from './problem-details.js';

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
 * problem+json with `Retry-After` at once, before authentication or parsing, instead
 * of queueing without bound behind work that already misses its time. Routes whose config
 * spreads NEVER_SHED (`/healthz`) keep answering.
 */
async function loadShedding(app: FastifyInstance, opts: LoadSheddingOptions): Promise<void> {
  // Every threshold off: no sampling timer either.
  if (opts.maxEventLoopDelayMs === 0 && opts.maxHeapUsedMb === 0 && opts.maxRssMb === 0) return;
  // Start-up blocks the event loop for longer than a sample (migrations, the directory, the
  // OpenAPI document): a sample without a single tick reads as an infinite delay, which would
  // shed the first requests of a fresh process. Real pressure is measured from samples taken
  // once the app is ready.
  let measuredFrom = Number.POSITIVE_INFINITY;
  app.addHook('onReady', async () => {
    measuredFrom = Date.now() + 2 * opts.sampleIntervalMs;
  });
  const detail = 'the service is overloaded; retry after the Retry-After seconds';
  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs,
    maxHeapUsedBytes: opts.maxHeapUsedMb * MIB,
    maxRssBytes: opts.maxRssMb * MIB,
    sampleInterval: opts.sampleIntervalMs,
    // Called only under pressure, so the admitted path pays nothing for it.
    // under-pressure sends what it returns; nothing admits the request.
    pressureHandler: ((_request: FastifyRequest, reply: FastifyReply) => {
      if (Date.now() < measuredFrom) return undefined;
      reply.code(503).header('retry-after', String(opts.retryAfterSeconds)).type('application/problem+json');
      return problemBody('overloaded', detail);
    }) as unknown as () => undefined,
  });
}

export default fp(loadShedding, { name: 'load-shedding', fastify: '5.x', dependencies: ['problem-details'] });
