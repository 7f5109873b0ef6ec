import { z } from 'zod';

/** A whole number in decimal digits within [min, max], named in the message. */
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number ${min}–${max}`;
  return z
    .string()
    .regex(/^\d{1,10}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
};

const POSTGRES_URL_MESSAGE = 'must be a postgres:// or postgresql:// URL naming a host';

/** A PostgreSQL connection URL; the message never repeats the value, which may hold a password. */
const postgresUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    const scheme = url.protocol === 'postgres:' || url.protocol === 'postgresql:';
    // A socket directory comes as `?host=/var/run/postgresql`, with nothing after the `//`.
    return scheme && (url.hostname !== '' || url.searchParams.has('host'));
  } catch {
    return false;
  }
}, POSTGRES_URL_MESSAGE);

/**
 * The service's configuration, parsed once from the environment at start and frozen.
 * A bad value stops start-up with a message naming the variable.
 */
const ConfigSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number 0–65535')
    .transform(Number)
    .pipe(z.number().max(65_535, 'must be a port number 0–65535'))
    .default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Unset: SQLite in DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  /** No default: when unset the server generates one and stores it in DATA_DIR. */
  ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** No default: when unset the server generates one and stores it in DATA_DIR. */
  API_KEY_HMAC_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  RATE_LIMIT_PER_SECOND: wholeNumber(1, 1_000_000).default(1000),
  /** Unset: the admin key is unthrottled (load replays). */
  ADMIN_RATE_LIMIT_PER_SECOND: wholeNumber(1, 1_000_000).optional(),
  AUTH_FAILURES_PER_SECOND: wholeNumber(1, 1_000_000).default(20),
  CLOCK: z.enum(['real', 'simulated']).default('real'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The conference bridge's access number, as callers dial it. */
  CONFERENCE_ACCESS_NUMBER: z
    .string()
    .regex(/^\d{3,20}$/, 'must be 3–20 digits')
    .default('95100'),
  /** Joined participants a conference allows when its creator names no maximum (host included). */
  CONFERENCE_MAX_PARTICIPANTS: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number 2–500')
    .transform(Number)
    .pipe(z.number().min(2, 'must be a whole number 2–500').max(500, 'must be a whole number 2–500'))
    .default(10),
  /** A request still handled this long answers 503 (the scenario sandbox keeps its own limit). */
  REQUEST_DEADLINE_MS: wholeNumber(1, 600_000).default(10_000),
  /** Shedding thresholds (0 turns one off): mean event-loop delay over a sample, heap, RSS. */
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: wholeNumber(0, 60_000).default(100),
  OVERLOAD_MAX_HEAP_MB: wholeNumber(0, 1_048_576).default(1536),
  OVERLOAD_MAX_RSS_MB: wholeNumber(0, 1_048_576).default(0),
  OVERLOAD_SAMPLE_INTERVAL_MS: wholeNumber(10, 60_000).default(250),
  OVERLOAD_RETRY_AFTER_SECONDS: wholeNumber(1, 3600).default(2),
  /** After a stop signal, how long in-flight requests may take before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: wholeNumber(100, 600_000).default(8000),
});

export interface Config {
  port: number;
  host: string;
  /** Directory of the SQLite file and the generated admin key; `:memory:` keeps all in memory (tests). */
  dataDir: string;
  /** PostgreSQL instead of SQLite (postgres://…); undefined: SQLite in dataDir. */
  databaseUrl: string | undefined;
  adminApiKey: string | undefined;
  /** The key of the API keys' HMAC; unset: the server's file in dataDir (or ephemeral in memory). */
  apiKeyHmacSecret: string | undefined;
  /** A partner key's request budget a second, unless the key names its own. */
  rateLimitPerSecond: number;
  /** The admin key's budget a second; undefined: unthrottled. */
  adminRateLimitPerSecond: number | undefined;
  /** Failed authentications a second from one client address before it gets 429s. */
  authFailuresPerSecond: number;
  clock: 'real' | 'simulated';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  conferenceAccessNumber: string;
  /** The default cap of a conference, host included. */
  conferenceMaxParticipants: number;
  requestDeadlineMs: number;
  overload: {
    maxEventLoopDelayMs: number;
    maxHeapUsedMb: number;
    maxRssMb: number;
    sampleIntervalMs: number;
    retryAfterSeconds: number;
  };
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  // Empty strings count as unset, as shells and .env files tend to leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    adminApiKey: e.ADMIN_API_KEY,
    apiKeyHmacSecret: e.API_KEY_HMAC_SECRET,
    rateLimitPerSecond: e.RATE_LIMIT_PER_SECOND,
    adminRateLimitPerSecond: e.ADMIN_RATE_LIMIT_PER_SECOND,
    authFailuresPerSecond: e.AUTH_FAILURES_PER_SECOND,
    clock: e.CLOCK,
    logLevel: e.LOG_LEVEL,
    conferenceAccessNumber: e.CONFERENCE_ACCESS_NUMBER,
    conferenceMaxParticipants: e.CONFERENCE_MAX_PARTICIPANTS,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    overload: Object.freeze({
      maxEventLoopDelayMs: e.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedMb: e.OVERLOAD_MAX_HEAP_MB,
      maxRssMb: e.OVERLOAD_MAX_RSS_MB,
      sampleIntervalMs: e.OVERLOAD_SAMPLE_INTERVAL_MS,
      retryAfterSeconds: e.OVERLOAD_RETRY_AFTER_SECONDS,
    }),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  });
}

/** Defaults for tests and tools: in memory, simulated clock, quiet. */
export function testConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  return Object.freeze({
    port: 0,
    host: '127.0.0.1',
    dataDir: ':memory:',
    databaseUrl: undefined,
    adminApiKey: 'test-admin-key-0123456789',
    apiKeyHmacSecret: undefined,
    // Budgets counted on the wall clock would make a test's outcome depend on the machine's speed
    // (and scenario sandboxes, built with this config, replay fast): generous unless a test sets them.
    rateLimitPerSecond: 1_000_000,
    adminRateLimitPerSecond: undefined,
    authFailuresPerSecond: 1_000_000,
    clock: 'simulated',
    logLevel: 'silent',
    conferenceAccessNumber: '95100',
    conferenceMaxParticipants: 10,
    requestDeadlineMs: 10_000,
    // Off in tests: a loaded CI machine would shed requests that tests expect to pass.
    overload: {
      maxEventLoopDelayMs: 0,
      maxHeapUsedMb: 0,
      maxRssMb: 0,
      sampleIntervalMs: 1000,
      retryAfterSeconds: 2,
    },
    shutdownTimeoutMs: 8000,
    ...overrides,
  });
}
