import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import authPlugin from '../../../src/http/auth.js';
import problemDetailsPlugin from '../../../src/http/problem-details.js';
import type { Principal } from '../../../src/services/api-keys.js';

const ADMIN: Principal = { kind: 'admin', id: 'admin', canSee: () => true };
const PARTNER: Principal = {
  kind: 'partner',
  id: 'key_p',
  groupIds: new Set(['grp_a']),
  canSee: (groupId) => groupId === 'grp_a',
};
const apiKeys = {
  recall: () => undefined,
  authenticate: async (key: string) => (key === 'admin' ? ADMIN : key === 'partner' ? PARTNER : null),
};

/** Fastify with the auth plugin, and routes declared both before and after it. */
async function appWithRoutes() {
  const app = Fastify({ logger: false });
  await app.register(problemDetailsPlugin);
  // Declared before the plugin: it never sees them, and must not let them through.
  app.get('/early', async () => ({ ok: true }));
  app.get('/early-public', { config: { access: 'public' } }, async () => ({ ok: true }));
  await app.register(authPlugin, { apiKeys });
  app.get('/late', async (request) => ({ who: request.principal.id }));
  app.get('/late-public', { config: { access: 'public' } }, async () => ({ ok: true }));
  app.get('/groups/:groupId', async () => ({ ok: true }));
  app.post('/admin-only', { config: { access: 'admin' } }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('the auth plugin, hooked per route', () => {
  it('authenticates routes declared after it, and skips public ones', async () => {
    const app = await appWithRoutes();
    expect((await app.inject({ url: '/late' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/late', headers: bearer('nobody') })).statusCode).toBe(401);
    const ok = await app.inject({ url: '/late', headers: bearer('partner') });
    expect(ok.json()).toEqual({ who: 'key_p' });
    // HEAD routes Fastify adds for GET ones are hooked too.
    expect((await app.inject({ method: 'HEAD', url: '/late' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/late-public' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/nowhere' })).statusCode).toBe(404);
    await app.close();
  });

  it('checks the group scope and the admin-only routes', async () => {
    const app = await appWithRoutes();
    expect((await app.inject({ url: '/groups/grp_a', headers: bearer('partner') })).statusCode).toBe(200);
    expect((await app.inject({ url: '/groups/grp_b', headers: bearer('partner') })).statusCode).toBe(404);
    expect((await app.inject({ url: '/groups/grp_b', headers: bearer('admin') })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/admin-only', headers: bearer('partner') })).statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ method: 'POST', url: '/admin-only', headers: bearer('admin') })).statusCode,
    ).toBe(200);
    await app.close();
  });

  it('fails closed on a non-public route declared before it', async () => {
    const app = await appWithRoutes();
    const refused = await app.inject({ url: '/early' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'unauthorized' });
    expect((await app.inject({ url: '/early-public' })).statusCode).toBe(200);
    await app.close();
  });
});
