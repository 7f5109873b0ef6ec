import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, testConfig } from '../../src/config.js';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      databaseUrl: undefined,
      adminApiKey: undefined,
      apiKeyHmacSecret: undefined,
      rateLimitPerSecond: 1000,
      adminRateLimitPerSecond: undefined,
      authFailuresPerSecond: 20,
      clock: 'real',
      logLevel: 'info',
      conferenceAccessNumber: '95100',
      conferenceMaxParticipants: 10,
      requestDeadlineMs: 10_000,
      overload: {
        maxEventLoopDelayMs: 100,
        maxHeapUsedMb: 1536,
        maxRssMb: 0,
        sampleIntervalMs: 250,
        retryAfterSeconds: 2,
      },
      shutdownTimeoutMs: 8000,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '8080',
        HOST: '0.0.0.0',
        DATA_DIR: '/var/lib/sim',
        DATABASE_URL: 'postgres://sim:secret@db.internal:5432/sim',
        ADMIN_API_KEY: 'a-very-long-admin-key',
        API_KEY_HMAC_SECRET: 'a-hmac-secret-of-at-least-32-characters',
        RATE_LIMIT_PER_SECOND: '200',
        ADMIN_RATE_LIMIT_PER_SECOND: '5000',
        AUTH_FAILURES_PER_SECOND: '3',
        CLOCK: 'simulated',
        LOG_LEVEL: 'debug',
        CONFERENCE_ACCESS_NUMBER: '95188',
        CONFERENCE_MAX_PARTICIPANTS: '25',
        REQUEST_DEADLINE_MS: '5000',
        OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
        OVERLOAD_MAX_HEAP_MB: '512',
        OVERLOAD_MAX_RSS_MB: '1024',
        OVERLOAD_SAMPLE_INTERVAL_MS: '100',
        OVERLOAD_RETRY_AFTER_SECONDS: '5',
        SHUTDOWN_TIMEOUT_MS: '3000',
        UNRELATED: 'ignored',
      }),
    ).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/sim',
      databaseUrl: 'postgres://sim:secret@db.internal:5432/sim',
      adminApiKey: 'a-very-long-admin-key',
      apiKeyHmacSecret: 'a-hmac-secret-of-at-least-32-characters',
      rateLimitPerSecond: 200,
      adminRateLimitPerSecond: 5000,
      authFailuresPerSecond: 3,
      clock: 'simulated',
      logLevel: 'debug',
      conferenceAccessNumber: '95188',
      conferenceMaxParticipants: 25,
      requestDeadlineMs: 5000,
      overload: {
        maxEventLoopDelayMs: 0,
        maxHeapUsedMb: 512,
        maxRssMb: 1024,
        sampleIntervalMs: 100,
        retryAfterSeconds: 5,
      },
      shutdownTimeoutMs: 3000,
    });
  });

  it('accepts port 0 (any free port) and 65535', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65_535);
  });

  it.each(['abc', '-1', '65536', '3000.5', '80 80'])('refuses PORT=%j naming the variable', (value) => {
    expect(configError({ PORT: value }).message).toMatch(/\bPORT\b/);
  });

  it.each(['postgresql://localhost/sim', 'postgres:///sim?host=/var/run/postgresql'])(
    'accepts DATABASE_URL=%j',
    (value) => {
      expect(loadConfig({ DATABASE_URL: value }).databaseUrl).toBe(value);
    },
  );

  it.each([
    'mysql://sim:secret@db/sim',
    'sqlite:///var/lib/sim.sqlite',
    'postgres:///sim',
    'db.internal:5432',
  ])('refuses DATABASE_URL=%j naming the variable and not the value', (value) => {
    const { message } = configError({ DATABASE_URL: value });
    expect(message).toMatch(/\bDATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).not.toContain(value);
  });

  it('refuses a blank PORT instead of reading it as port 0', () => {
    // Number(' ') is 0: a stray space must not silently mean "any free port".
    expect(configError({ PORT: ' ' }).message).toMatch(/\bPORT\b/);
  });

  it.each(['wall', 'REAL', 'sim'])('refuses CLOCK=%j naming the variable', (value) => {
    expect(configError({ CLOCK: value }).message).toMatch(/\bCLOCK\b/);
  });

  it.each(['loud', 'INFO', 'verbose'])('refuses LOG_LEVEL=%j naming the variable', (value) => {
    expect(configError({ LOG_LEVEL: value }).message).toMatch(/\bLOG_LEVEL\b/);
  });

  it('refuses a short HMAC secret and budgets that are not whole numbers from 1, naming them', () => {
    expect(configError({ API_KEY_HMAC_SECRET: 'too-short' }).message).toMatch(/\bAPI_KEY_HMAC_SECRET\b/);
    for (const value of ['0', '-5', '1.5', 'many', '1000001']) {
      expect(configError({ RATE_LIMIT_PER_SECOND: value }).message).toMatch(/\bRATE_LIMIT_PER_SECOND\b/);
      expect(configError({ AUTH_FAILURES_PER_SECOND: value }).message).toMatch(
        /\bAUTH_FAILURES_PER_SECOND\b/,
      );
    }
    expect(configError({ ADMIN_RATE_LIMIT_PER_SECOND: '0' }).message).toMatch(
      /\bADMIN_RATE_LIMIT_PER_SECOND\b/,
    );
  });

  it('refuses a short ADMIN_API_KEY and a non-numeric access number, naming them', () => {
    expect(configError({ ADMIN_API_KEY: 'short' }).message).toMatch(/\bADMIN_API_KEY\b/);
    expect(configError({ CONFERENCE_ACCESS_NUMBER: '95x00' }).message).toMatch(
      /\bCONFERENCE_ACCESS_NUMBER\b/,
    );
  });

  it.each(['1', '501', 'ten', '2.5', '-3', ' '])(
    'refuses CONFERENCE_MAX_PARTICIPANTS=%j naming the variable',
    (value) => {
      expect(configError({ CONFERENCE_MAX_PARTICIPANTS: value }).message).toMatch(
        /\bCONFERENCE_MAX_PARTICIPANTS\b/,
      );
    },
  );

  it('accepts CONFERENCE_MAX_PARTICIPANTS from 2 to 500', () => {
    expect(loadConfig({ CONFERENCE_MAX_PARTICIPANTS: '2' }).conferenceMaxParticipants).toBe(2);
    expect(loadConfig({ CONFERENCE_MAX_PARTICIPANTS: '500' }).conferenceMaxParticipants).toBe(500);
  });

  it.each([
    ['REQUEST_DEADLINE_MS', '0'],
    ['REQUEST_DEADLINE_MS', '1e4'],
    ['OVERLOAD_MAX_EVENT_LOOP_DELAY_MS', '-1'],
    ['OVERLOAD_MAX_HEAP_MB', '0x100'],
    ['OVERLOAD_SAMPLE_INTERVAL_MS', '5'],
    ['OVERLOAD_RETRY_AFTER_SECONDS', '0'],
    ['SHUTDOWN_TIMEOUT_MS', ' 100'],
  ])('refuses %s=%j naming the variable', (name, value) => {
    expect(configError({ [name]: value }).message).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('names every bad variable at once', () => {
    const message = configError({ PORT: 'x', CLOCK: 'y', LOG_LEVEL: 'z' }).message;
    expect(message).toMatch(/\bPORT\b/);
    expect(message).toMatch(/\bCLOCK\b/);
    expect(message).toMatch(/\bLOG_LEVEL\b/);
  });

  it('has a ConfigError name so start-up can tell it apart', () => {
    expect(configError({ PORT: 'x' }).name).toBe('ConfigError');
  });

  it('treats an empty string as unset', () => {
    const config = loadConfig({
      PORT: '',
      HOST: '',
      DATA_DIR: '',
      ADMIN_API_KEY: '',
      CLOCK: '',
      LOG_LEVEL: '',
      CONFERENCE_ACCESS_NUMBER: '',
      CONFERENCE_MAX_PARTICIPANTS: '',
    });
    expect(config).toEqual(loadConfig({}));
  });

  it('returns a frozen object', () => {
    const config = loadConfig({ PORT: '4000' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(4000);
  });

  it('reads process.env when given nothing', () => {
    const saved = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'warn';
    try {
      expect(loadConfig().logLevel).toBe('warn');
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = saved;
    }
  });
});

describe('testConfig', () => {
  it('is in memory, simulated, silent and frozen, with overrides applied', () => {
    const config = testConfig({ clock: 'real' });
    expect(config).toMatchObject({ dataDir: ':memory:', clock: 'real', logLevel: 'silent' });
    expect(testConfig().clock).toBe('simulated');
    expect(Object.isFrozen(config)).toBe(true);
  });
});
