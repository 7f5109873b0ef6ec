import { randomBytes } from 'node:crypto';
import { type Config, testConfig } from '../../config.js';
import { type Clock, simulatedClock } from '../../domain/clock.js';

/**
 * Where a scenario runs. A target opens one transport per scenario: in-process, a fresh app on
 * an in-memory database with a simulated clock at the scenario's start (requests injected, no
 * port); by URL, a running service reached with fetch and an API key.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface TransportResponse {
  status: number;
  /** Parsed JSON; text when the answer is not JSON; undefined when empty. */
  body: unknown;
}

export interface Transport {
  request(method: HttpMethod, path: string, body?: unknown): Promise<TransportResponse>;
  close(): Promise<void>;
}

export interface Target {
  readonly kind: 'in-process' | 'url';
  /** For reports: `in-process` or the URL. */
  readonly description: string;
  /** A transport for one scenario. In-process, the app's clock starts at `startMs`. */
  open(startMs: number): Promise<Transport>;
}

/** What a transport needs of an app built in process: Fastify's `inject` and `close`. */
export interface InjectableApp {
  inject(request: {
    method: HttpMethod;
    url: string;
    headers: Record<string, string>;
    payload?: object;
  }): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>;
  close(): Promise<unknown>;
}

/** Builds a fresh app for one scenario (app.ts's `buildApp` fits). */
export type BuildApp = (options: {
  config: Readonly<Config>;
  clock: Clock;
  logger: false;
}) => Promise<InjectableApp>;

/**
 * Fresh in-memory apps. `buildApp` is passed in, typed by what this module needs of it, rather
 * than imported: this module, which the sandbox route's modules import and app.ts registers,
 * then depends on app.ts neither at run time nor for its types (the sandbox's worker and the
 * CLI import app.ts themselves).
 */
export function inProcessTarget(buildApp: BuildApp, overrides: Partial<Config> = {}): Target {
  return {
    kind: 'in-process',
    description: 'in-process',
    async open(startMs) {
      const key = randomBytes(18).toString('base64url');
      const app = await buildApp({
        config: testConfig({ ...overrides, dataDir: ':memory:', clock: 'simulated', adminApiKey: key }),
        clock: simulatedClock(startMs),
        logger: false,
      });
      return injectTransport(app, key);
    },
  };
}

/**
 * Requests injected into an app that is already built (no port), with an API key; closing the
 * transport closes the app.
 */
export function injectTransport(app: InjectableApp, apiKey: string): Transport {
  const headers = { authorization: `Bearer ${apiKey}` };
  return {
    async request(method, path, body) {
      const res = await app.inject({
        method,
        url: path,
        headers,
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: parseBody(res.body, res.headers['content-type']) };
    },
    close: async () => {
      await app.close();
    },
  };
}

/** A running service by URL with an API key; each request times out after `timeoutMs`. */
export function urlTarget(baseUrl: string, apiKey: string, timeoutMs = 30_000): Target {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    kind: 'url',
    description: base,
    async open() {
      return {
        async request(method, path, body) {
          const res = await fetch(`${base}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${apiKey}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            signal: AbortSignal.timeout(timeoutMs),
          });
          return { status: res.status, body: parseBody(await res.text(), res.headers.get('content-type')) };
        },
        close: async () => {},
      };
    },
  };
}

function parseBody(text: string, contentType: unknown): unknown {
  if (text === '') return undefined;
  if (String(contentType ?? '').includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
