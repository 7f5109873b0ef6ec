import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createGroup, createTestApp, type TestApp } from '../../helpers/app.js';

/** What a newcomer's client sends: a JSON content type on everything, bodies or not. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const JSON_TYPE = { 'content-type': 'application/json' };

describe('415 names what is accepted', () => {
  it('text/plain → 415 whose detail names the sent type and application/json', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups',
      payload: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().detail).toBe('text/plain is not accepted: send application/json');
  });

  it('a body without a content type → 415 saying so', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/route',
      body: '{}',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().detail).toContain('send application/json');
  });
});

describe('an empty body with Content-Type: application/json', () => {
  it('is no body on a bodiless DELETE', async () => {
    const groupId = await createGroup(t);
    const res = await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}`, headers: JSON_TYPE });
    expect(res.statusCode).toBe(204);
    expect((await t.call({ method: 'GET', url: `/v1/groups/${groupId}` })).statusCode).toBe(404);
  });

  it('is no body on a GET', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/groups', headers: JSON_TYPE });
    expect(res.statusCode).toBe(200);
  });

  it('is still refused where the route takes a body', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/groups', headers: JSON_TYPE });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'malformed_body' });
  });

  it('a malformed non-empty body on a bodiless DELETE is still a 400, and deletes nothing', async () => {
    const groupId = await createGroup(t);
    const res = await t.call({
      method: 'DELETE',
      url: `/v1/groups/${groupId}`,
      payload: '{bad',
      headers: JSON_TYPE,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'malformed_body' });
    expect((await t.call({ method: 'GET', url: `/v1/groups/${groupId}` })).statusCode).toBe(200);
  });

  it('prototype poisoning is still refused', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups',
      payload: '{"__proto__":{"admin":true}}',
      headers: JSON_TYPE,
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('GET /', () => {
  it('redirects to the API reference (302 /docs) without a key, until there is a console', async () => {
    const res = await t.call({ method: 'GET', url: '/', key: null });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/docs');
  });
});
