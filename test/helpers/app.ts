import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type BuildOptions, buildApp } from '../../src/app.js';
import { type Config, testConfig } from '../../src/config.js';
import { type SimulatedClock, simulatedClock } from '../../src/domain/clock.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';
/** 2026-11-24T09:00:00+08:00, a Tuesday. */
export const T0 = Date.parse('2026-11-24T09:00:00+08:00');

export interface TestApp {
  app: FastifyInstance;
  clock: SimulatedClock;
  /** Injects with the admin key unless `key` is given (`null`: no Authorization header). */
  call(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * A fresh app on a private in-memory database with a simulated clock at T0 (and, where `build`
 * says, a wall clock or a logger of the test's).
 */
export async function createTestApp(
  overrides: Partial<Config> = {},
  build: Pick<BuildOptions, 'wallClock' | 'logger'> = {},
): Promise<TestApp> {
  const clock = simulatedClock(T0);
  const app = await buildApp({ config: testConfig(overrides), clock, ...build });
  return {
    app,
    clock,
    call({ key, headers, ...options }) {
      const auth = key === null ? {} : { authorization: `Bearer ${key ?? ADMIN_KEY}` };
      return app.inject({ ...options, headers: { ...auth, ...headers } });
    },
    close: () => app.close(),
  };
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
