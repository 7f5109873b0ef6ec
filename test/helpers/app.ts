import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { type BuildOptions, buildApp } from '../../src/app.js';
import { type Config, testConfig } from '../../src/config.js';
import { type SimulatedClock, simulatedClock } from '../../src/domain/clock.js';
import type { Backend } from '../../src/store/backend.js';
import type { BackendName } from './backends.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';
/** 2026-11-24T09:00:00+08:00, a Tuesday. */
export const T0 = Date.parse('2026-11-24T09:00:00+08:00');

/**
 * The backend the API suite runs on: `TEST_BACKEND=postgres` (the vitest project `api-postgres`)
 * or SQLite, the default.
 */
export const TEST_BACKEND: BackendName = process.env.TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

export interface TestApp {
  app: FastifyInstance;
  clock: SimulatedClock;
  /** Injects with the admin key unless `key` is given (`null`: no Authorization header). */
  call(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
  /**
   * Runs one SQL statement on the app's database, whichever backend (`?` placeholders; on
   * PostgreSQL bigints are read as numbers, as SQLite answers them): the rows it returns.
   */
  sql<Row = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * A fresh app with a simulated clock at T0 (and, where `build` says, a wall clock or a logger
 * of the test's) on a database of its own: in memory on SQLite, a new database on PostgreSQL.
 * With a `dataDir`, apps made with the same one share their database: a restart.
 */
export async function createTestApp(
  overrides: Partial<Config> = {},
  build: Pick<BuildOptions, 'wallClock' | 'logger'> = {},
): Promise<TestApp> {
  const clock = simulatedClock(T0);
  const { config, release } = await backendConfig(overrides);
  const app = await buildApp({ config, clock, ...build });
  return {
    app,
    clock,
    call({ key, headers, ...options }) {
      const auth = key === null ? {} : { authorization: `Bearer ${key ?? ADMIN_KEY}` };
      return app.inject({ ...options, headers: { ...auth, ...headers } });
    },
    sql: (text, ...params) => runSql(app.backend, text, params),
    async close() {
      await app.close();
      await release();
    },
  };
}

/** Databases of restarts, by data directory: dropped with the run (postgres-global-setup.ts). */
const databasesByDataDir = new Map<string, Promise<TestDatabase>>();

async function backendConfig(
  overrides: Partial<Config>,
): Promise<{ config: Config; release: () => Promise<void> }> {
  const config = testConfig(overrides);
  if (TEST_BACKEND === 'sqlite' || config.databaseUrl !== undefined) {
    return { config, release: async () => {} };
  }
  if (config.dataDir === ':memory:') {
    const database = await createTestDatabase({ migrated: true });
    return { config: { ...config, databaseUrl: database.url }, release: () => database.drop() };
  }
  let shared = databasesByDataDir.get(config.dataDir);
  if (shared === undefined) {
    shared = createTestDatabase({ migrated: true });
    databasesByDataDir.set(config.dataDir, shared);
  }
  return { config: { ...config, databaseUrl: (await shared).url }, release: async () => {} };
}

/** int8 (bigint) as a number: the times and sums the tests compare are well within 2^53. */
const numbersForBigints = {
  getTypeParser: (oid: number, format?: string) =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'),
};

async function runSql<Row>(backend: Backend, text: string, params: unknown[]): Promise<Row[]> {
  if (backend.sqlite !== null) {
    const statement = backend.sqlite.$client.prepare(text);
    if (statement.reader) return statement.all(...params) as Row[];
    statement.run(...params);
    return [];
  }
  let n = 0;
  const result = await backend.postgres!.$client.query({
    text: text.replace(/\?/g, () => `$${++n}`),
    values: params,
    types: numbersForBigints,
  });
  return result.rows as Row[];
}

export const HEBEI_ENTERPRISE = {
  name: '河北华北电力设备有限公司',
  institutionType: 'enterprise',
  valueTier: 'A1',
  province: 'CN-HE',
  city: '石家庄',
} as const;

/** Creates a group and returns its id. */
export async function createGroup(
  t: TestApp,
  body: Record<string, unknown> = HEBEI_ENTERPRISE,
): Promise<string> {
  const res = await t.call({ method: 'POST', url: '/v1/groups', payload: body });
  if (res.statusCode !== 201) throw new Error(`group creation failed: ${res.body}`);
  return res.json().id;
}

export async function createMember(t: TestApp, groupId: string, body: Record<string, unknown>) {
  const res = await t.call({ method: 'POST', url: `/v1/groups/${groupId}/members`, payload: body });
  if (res.statusCode !== 201) throw new Error(`member creation failed: ${res.body}`);
  return res.json() as { id: string; msisdn: string; shortCode: string | null };
}

export async function createPartnerKey(t: TestApp, groupIds: string[]): Promise<string> {
  const res = await t.call({ method: 'POST', url: '/v1/api-keys', payload: { name: 'partner', groupIds } });
  if (res.statusCode !== 201) throw new Error(`key creation failed: ${res.body}`);
  return res.json().key;
}
