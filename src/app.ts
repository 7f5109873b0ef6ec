import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { nationalCalendarCoverage } from './domain/calendar/national-calendar.js';
import { type Clock, realClock, simulatedClock } from './domain/clock.js';
import auditPlugin from './http/audit.js';
import authPlugin, { withKeyIdInLogs } from './http/auth.js';
import shutdownAnswers, { clientErrorHandler, frameworkErrors } from './http/framework-errors.js';
import idempotencyPlugin from './http/idempotency.js';
import { acceptEmptyJsonOnBodilessRoutes } from './http/json-body.js';
import loadSheddingPlugin from './http/load-shedding.js';
import openapiPlugin from './http/openapi.js';
import problemDetailsPlugin from './http/problem-details.js';
import rateLimitPlugin from './http/rate-limit.js';
import writeBatchPlugin from './http/write-batch.js';
import apiKeyRoutes from './routes/api-keys.js';
import auditLogRoutes from './routes/audit-log.js';
import billingRoutes from './routes/billing.js';
import callRoutes from './routes/calls.js';
import cdrRoutes from './routes/cdrs.js';
import conferenceRoutes from './routes/conferences.js';
import contactRoutes from './routes/contacts.js';
import groupRoutes from './routes/groups.js';
import healthRoutes from './routes/health.js';
import memberRoutes from './routes/members.js';
import messageRoutes from './routes/messages.js';
import ringbackRoutes from './routes/ringback.js';
import rootRoutes from './routes/root.js';
import routeRoutes from './routes/route.js';
import scenarioRoutes from './routes/scenarios.js';
import simRoutes from './routes/sim.js';
import switchboardRoutes from './routes/switchboards.js';
import tariffRoutes from './routes/tariffs.js';
import vpnRoutes from './routes/vpn.js';
import { createServices, type Services } from './services/container.js';
import type { SandboxLimits } from './sim/scenario/sandbox.js';
import { type Backend, openBackend } from './store/backend.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    /** The database the app runs on (src/store/backend.ts). */
    backend: Backend;
    services: Services;
  }
}

export interface BuildOptions {
  config: Readonly<Config>;
  /** The admin key; the server resolves it (env or generated file). Tests pass one in config. */
  adminKey?: string;
  /** Keys the HMAC of stored API keys; the server resolves it (env or file). Absent: ephemeral. */
  apiKeyHmacSecret?: string;
  clock?: Clock;
  /** The wall clock of API keys and the audit log (ms); tests inject one. */
  wallClock?: () => number;
  logger?: FastifyServerOptions['logger'];
  /** Limits of the scenario sandbox (tests shorten them); defaults in src/sim/scenario/sandbox.ts. */
  scenarioSandbox?: Partial<SandboxLimits>;
}

export const BODY_LIMIT = 1024 * 1024;

/**
 * Request ids: a random per-process prefix and a counter. Unique across restarts, and cheaper
 * than drawing random bytes on every request of the hot path.
 */
function requestIds(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let counter = 0;
  return () => `${prefix}-${(++counter).toString(36)}`;
}

/**
 * The shipped national holiday calendar (chinese-days) gets a year only once the State Council
 * has announced it: at start, say which of the service clock's year and the next it lacks, whose
 * dates then count by weekday for groups that do not list their own.
 */
function warnOfCalendarGaps(app: FastifyInstance, clock: Clock): void {
  const year = new Date(clock.now()).getUTCFullYear();
  const covered = nationalCalendarCoverage();
  const missing = [year, year + 1].filter((y) => !covered.includes(y));
  if (missing.length > 0) {
    app.log.warn(
      { years: missing },
      'the shipped national holiday calendar does not cover these years: their dates count by weekday (Monday to Friday worked) unless a group lists its own (PUT /v1/groups/{groupId}/calendar)',
    );
  }
}

/** Builds the app; never listens. `server.ts` runs it; tests inject into it. */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: withKeyIdInLogs(
      options.logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] },
    ),
    bodyLimit: BODY_LIMIT,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    requestIdHeader: 'x-request-id',
    genReqId: requestIds(),
    ajv: { customOptions: { coerceTypes: false } },
    // The per-request deadline (503 past it); routes that outlive it set their own.
    handlerTimeout: config.requestDeadlineMs,
    // Answered as problem+json by shutdownAnswers and the two handlers below instead.
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler,
    // On close, keep-alive connections end as soon as they are idle; busy ones finish first.
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>();
  // JSON in, JSON out: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  acceptEmptyJsonOnBodilessRoutes(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const backend = await openBackend({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    onCommitFailure: (error) =>
      app.log.fatal({ err: error }, 'a batch of writes failed to commit; its requests were refused'),
    onBackgroundError: (message, error) => app.log.error({ err: error }, message),
  });
  const { store, batch } = backend;
  const clock = options.clock ?? (config.clock === 'simulated' ? simulatedClock() : realClock());
  const adminKey = options.adminKey ?? config.adminApiKey ?? randomBytes(24).toString('base64url');
  const services = await createServices({
    store,
    clock,
    config,
    adminKey,
    apiKeyHmacSecret: options.apiKeyHmacSecret ?? config.apiKeyHmacSecret ?? randomBytes(32),
    wallClock: options.wallClock ?? Date.now,
    onBackgroundError: (error) => app.log.error({ err: error }, 'background work failed'),
  });
  warnOfCalendarGaps(app, clock);
  app.decorate('config', config);
  app.decorate('backend', backend);
  app.decorate('services', services);
  app.addHook('onClose', async () => {
    services.calls.stop();
    services.conferences.stop();
    // Calls' and conferences' writes still queued are committed before the database closes.
    await services.writesSettled();
    await services.apiKeys.stop();
    await backend.close();
  });

  // Order matters: errors first so every later failure is problem+json; shedding and the
  // shutdown answers before auth, so that refusing costs little; OpenAPI before the
  // routes so it sees them; auth before idempotency, whose stored answers are per API key;
  // the write batch before the routes, whose write routes it hooks as they are registered.
  // Budgets before auth, which consults them (their per-key hook still runs after auth's); the
  // audit log after auth (it names the key) and before the write batch (which waits for it).
  await app.register(problemDetailsPlugin);
  await app.register(shutdownAnswers, { retryAfterSeconds: config.overload.retryAfterSeconds });
  await app.register(loadSheddingPlugin, config.overload);
  await app.register(openapiPlugin);
  await app.register(rateLimitPlugin, { authFailuresPerSecond: config.authFailuresPerSecond });
  await app.register(authPlugin, { apiKeys: services.apiKeys, failures: app.authFailures });
  await app.register(auditPlugin, { audit: services.audit, batch });
  await app.register(writeBatchPlugin, { batch });
  await app.register(idempotencyPlugin, { repo: services.idempotencyRepo, clock });

  await app.register(rootRoutes);
  await app.register(healthRoutes);
  await app.register(apiKeyRoutes, { prefix: '/v1' });
  await app.register(auditLogRoutes, { prefix: '/v1' });
  await app.register(groupRoutes, { prefix: '/v1' });
  await app.register(memberRoutes, { prefix: '/v1' });
  await app.register(vpnRoutes, { prefix: '/v1' });
  await app.register(switchboardRoutes, { prefix: '/v1' });
  await app.register(ringbackRoutes, { prefix: '/v1' });
  await app.register(routeRoutes, { prefix: '/v1' });
  await app.register(messageRoutes, { prefix: '/v1' });
  await app.register(callRoutes, { prefix: '/v1' });
  await app.register(cdrRoutes, { prefix: '/v1' });
  await app.register(contactRoutes, { prefix: '/v1' });
  await app.register(conferenceRoutes, { prefix: '/v1' });
  await app.register(billingRoutes, { prefix: '/v1' });
  await app.register(tariffRoutes, { prefix: '/v1' });
  await app.register(simRoutes, { prefix: '/v1' });
  // The QA sandbox builds apps of its own, each in a worker thread that imports this file.
  await app.register(scenarioRoutes, { prefix: '/v1', sandbox: options.scenarioSandbox ?? {} });
  return app;
}
