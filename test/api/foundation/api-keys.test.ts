import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, createTestApp, type TestApp } from '../../helpers/app.js';

/** The wall clock the keys live by; the service clock is the simulated one of createTestApp. */
const WALL_T0 = Date.parse('2026-12-01T08:00:00Z');
let wall = WALL_T0;
let t: TestApp;
let groupId: string;
let logs: string[];

beforeEach(async () => {
  wall = WALL_T0;
  logs = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  t = await createTestApp({}, { wallClock: () => wall, logger: { level: 'info', stream } });
  groupId = await createGroup(t);
});
afterEach(() => t.close());

async function createKey(body: Record<string, unknown> = {}) {
  const res = await t.call({
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: 'crm', groupIds: [groupId], ...body },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; key: string; prefix: string };
}
const readGroup = (key: string) => t.call({ method: 'GET', url: `/v1/groups/${groupId}`, key });

describe('listing and reading keys', () => {
  it('shows keys without their secrets, with a prefix to recognise them and when they were last used', async () => {
    const created = await createKey({ rateLimitPerSecond: 50, expiresAt: '2027-01-01T00:00:00+08:00' });
    expect(created.prefix).toBe(created.key.slice(0, 7));
    expect(created.prefix).toMatch(/^sk_.{4}$/);

    const fresh = await t.call({ method: 'GET', url: `/v1/api-keys/${created.id}` });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json()).toEqual({
      id: created.id,
      name: 'crm',
      groupIds: [groupId],
      prefix: created.prefix,
      createdAt: new Date(WALL_T0).toISOString(),
      lastUsedAt: null,
      expiresAt: '2026-12-31T16:00:00.000Z',
      rateLimitPerSecond: 50,
    });

    wall += 60_000;
    expect((await readGroup(created.key)).statusCode).toBe(200);
    const list = await t.call({ method: 'GET', url: '/v1/api-keys' });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).toMatchObject({
      id: created.id,
      lastUsedAt: new Date(WALL_T0 + 60_000).toISOString(),
    });
    for (const answer of [fresh, list]) expect(answer.body).not.toContain(created.key);
  });

  it('pages the list and answers 404 for an unknown key', async () => {
    const ids = [(await createKey()).id, (await createKey()).id, (await createKey()).id];
    const first = (await t.call({ method: 'GET', url: '/v1/api-keys?limit=2' })).json();
    expect(first.items.map((k: { id: string }) => k.id)).toEqual(ids.slice(0, 2));
    const second = (
      await t.call({ method: 'GET', url: `/v1/api-keys?limit=2&cursor=${first.nextCursor}` })
    ).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[2] })], nextCursor: null });
    const missing = await t.call({ method: 'GET', url: '/v1/api-keys/key_nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');
  });

  it('keeps when keys were last used in memory, written in one batch later (here: at close)', async () => {
    const created = await createKey();
    wall += 5_000;
    await readGroup(created.key);
    const stored = async () =>
      (
        await t.sql<{ last_used_at: number | null }>(
          'SELECT last_used_at FROM api_keys WHERE id = ?',
          created.id,
        )
      )[0]?.last_used_at;
    expect(await stored()).toBeNull();
    await t.app.services.apiKeys.stop();
    expect(await stored()).toBe(WALL_T0 + 5_000);
  });
});

describe('revoking', () => {
  it('refuses the key from then on, also a key remembered from earlier requests', async () => {
    const created = await createKey();
    for (let i = 0; i < 3; i++) expect((await readGroup(created.key)).statusCode).toBe(200);
    wall += 1_000;
    const res = await t.call({ method: 'DELETE', url: `/v1/api-keys/${created.id}` });
    expect(res.statusCode).toBe(204);
    for (let i = 0; i < 3; i++) expect((await readGroup(created.key)).statusCode).toBe(401);
    const view = (await t.call({ method: 'GET', url: `/v1/api-keys/${created.id}` })).json();
    expect(view.revokedAt).toBe(new Date(WALL_T0 + 1_000).toISOString());
    // Twice is the same as once; a revoked key cannot be rotated back to life.
    expect((await t.call({ method: 'DELETE', url: `/v1/api-keys/${created.id}` })).statusCode).toBe(204);
    const rotate = await t.call({ method: 'POST', url: `/v1/api-keys/${created.id}/rotate`, payload: {} });
    expect(rotate.statusCode).toBe(409);
    expect(rotate.json().code).toBe('api_key_inactive');
  });
});

describe('rotating', () => {
  it('gives a new secret that works at once; the old one works until the grace ends on the wall clock', async () => {
    const created = await createKey();
    expect((await readGroup(created.key)).statusCode).toBe(200);
    const res = await t.call({
      method: 'POST',
      url: `/v1/api-keys/${created.id}/rotate`,
      payload: { graceSeconds: 60 },
    });
    expect(res.statusCode).toBe(200);
    const rotated = res.json();
    expect(rotated).toEqual({
      id: created.id,
      key: expect.stringMatching(/^sk_/),
      prefix: rotated.key.slice(0, 7),
      previousValidUntil: new Date(WALL_T0 + 60_000).toISOString(),
    });
    expect(rotated.key).not.toBe(created.key);
    expect((await readGroup(rotated.key)).statusCode).toBe(200);
    expect((await readGroup(created.key)).statusCode).toBe(200);

    // The service clock moving a year ahead changes nothing: the grace is on the wall clock.
    t.clock.advanceTo(t.clock.now() + 365 * 24 * 3600_000);
    expect((await readGroup(created.key)).statusCode).toBe(200);
    wall += 59_999;
    expect((await readGroup(created.key)).statusCode).toBe(200);
    wall += 1;
    expect((await readGroup(created.key)).statusCode).toBe(401);
    expect((await readGroup(rotated.key)).statusCode).toBe(200);
    const view = (await t.call({ method: 'GET', url: `/v1/api-keys/${created.id}` })).json();
    expect(view.prefix).toBe(rotated.prefix);
  });

  it('without a grace, refuses the old secret at once', async () => {
    const created = await createKey();
    expect((await readGroup(created.key)).statusCode).toBe(200);
    const res = await t.call({ method: 'POST', url: `/v1/api-keys/${created.id}/rotate` });
    expect(res.statusCode, res.body).toBe(200);
    const rotated = res.json();
    expect(rotated.previousValidUntil).toBeNull();
    expect((await readGroup(created.key)).statusCode).toBe(401);
    expect((await readGroup(rotated.key)).statusCode).toBe(200);
  });
});

describe('a rotation and a revocation at once', () => {
  /** Resolves after `n` turns of the event loop. */
  const ticks = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  it('leave the key revoked whichever lands first: neither its old nor a new secret authenticates', async () => {
    const seen = new Set<number>();
    for (const [first, delay] of [
      ['rotate', 0],
      ['revoke', 0],
      ['rotate', 1],
      ['revoke', 1],
      ['rotate', 2],
      ['revoke', 2],
    ] as const) {
      const created = await createKey();
      // Remembered by its raw text: the revocation must drop it from there too.
      expect((await readGroup(created.key)).statusCode).toBe(200);
      const rotate = () =>
        t.call({ method: 'POST', url: `/v1/api-keys/${created.id}/rotate`, payload: { graceSeconds: 600 } });
      const revoke = () => t.call({ method: 'DELETE', url: `/v1/api-keys/${created.id}` });
      const later = async <T>(send: () => Promise<T>) => {
        await ticks(delay);
        return send();
      };
      const [rotated, revoked] =
        first === 'rotate'
          ? await Promise.all([rotate(), later(revoke)])
          : await Promise.all([later(rotate), revoke()]);
      const label = `${first} first, ${delay} ticks apart`;
      expect(revoked.statusCode, label).toBe(204);
      seen.add(rotated.statusCode);
      if (rotated.statusCode === 200) {
        expect((await readGroup(rotated.json().key)).statusCode, label).toBe(401);
      } else {
        expect(rotated.statusCode, label).toBe(409);
        expect(rotated.json().code).toBe('api_key_inactive');
      }
      expect((await readGroup(created.key)).statusCode, label).toBe(401);
      const view = (await t.call({ method: 'GET', url: `/v1/api-keys/${created.id}` })).json();
      expect(view.revokedAt, label).toBe(new Date(WALL_T0).toISOString());
      const [stored] = await t.sql<{ revoked_at: number }>(
        'SELECT revoked_at FROM api_keys WHERE id = ?',
        created.id,
      );
      expect(stored?.revoked_at, label).toBe(WALL_T0);
    }
    // Both outcomes of the race were met: the rotation landed before the revocation, and after.
    expect([...seen].sort()).toEqual([200, 409]);
  });
});

describe('expiry', () => {
  it('refuses a key once its expiry has passed on the wall clock, whatever the service clock says', async () => {
    const created = await createKey({ expiresAt: new Date(WALL_T0 + 3_600_000).toISOString() });
    t.clock.advanceTo(t.clock.now() + 2 * 365 * 24 * 3600_000);
    expect((await readGroup(created.key)).statusCode).toBe(200);
    wall += 3_599_999;
    expect((await readGroup(created.key)).statusCode).toBe(200);
    wall += 1;
    expect((await readGroup(created.key)).statusCode).toBe(401);
  });

  it('refuses an expiry that has already passed (400 naming the field)', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'late', groupIds: [groupId], expiresAt: new Date(WALL_T0 - 1).toISOString() },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'body.expiresAt', message: expect.any(String) }]);
    expect((await t.call({ method: 'GET', url: '/v1/api-keys' })).json().items).toEqual([]);
  });
});

describe('admin only', () => {
  it('answers 403 to a partner key on every key and audit endpoint', async () => {
    const partner = await createKey();
    const calls = [
      { method: 'GET', url: '/v1/api-keys' },
      { method: 'GET', url: `/v1/api-keys/${partner.id}` },
      { method: 'POST', url: '/v1/api-keys', payload: { name: 'x', groupIds: [groupId] } },
      { method: 'DELETE', url: `/v1/api-keys/${partner.id}` },
      { method: 'POST', url: `/v1/api-keys/${partner.id}/rotate`, payload: {} },
      { method: 'GET', url: '/v1/audit-log' },
    ] as const;
    for (const call of calls) {
      const res = await t.call({ ...call, key: partner.key });
      expect(res.statusCode, `${call.method} ${call.url}`).toBe(403);
    }
    expect((await readGroup(partner.key)).statusCode).toBe(200);
  });
});

describe('keys issued before the keyed hash', () => {
  it('still authenticate after the upgrade, and are stored with the keyed hash from their first use', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'legacy-keys-'));
    try {
      const before = await createTestApp({ dataDir });
      const group = await createGroup(before);
      const legacyKey = 'sk_legacy-key-made-before-the-hmac-0123';
      const digest = createHash('sha256').update(legacyKey).digest('hex');
      // As the previous version wrote it: a plain SHA-256 digest, no scheme (the migration's default).
      await before.sql(
        'INSERT INTO api_keys (id, name, key_hash, group_ids, created_at) VALUES (?, ?, ?, ?, ?)',
        'key_legacy',
        'old crm',
        digest,
        JSON.stringify([group]),
        WALL_T0 - 1000,
      );
      await before.close();

      const after = await createTestApp({ dataDir });
      try {
        const read = (key: string) => after.call({ method: 'GET', url: `/v1/groups/${group}`, key });
        expect((await read(legacyKey)).statusCode).toBe(200);
        const [row] = await after.sql<{ key_hash: string; hash_scheme: string; prefix: string }>(
          'SELECT key_hash, hash_scheme, prefix FROM api_keys WHERE id = ?',
          'key_legacy',
        );
        expect(row).toEqual({ key_hash: expect.any(String), hash_scheme: 'hmac-sha256', prefix: 'sk_lega' });
        expect(row?.key_hash).not.toBe(digest);
        expect((await read(legacyKey)).statusCode).toBe(200);
        expect((await read(`${legacyKey}x`)).statusCode).toBe(401);
        const view = (await after.call({ method: 'GET', url: '/v1/api-keys/key_legacy' })).json();
        expect(view).toMatchObject({ prefix: 'sk_lega', groupIds: [group] });
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('secrets', () => {
  it('appear only in the creation and rotation answers, never in the logs, which name the key id', async () => {
    const created = await createKey();
    const rotated = (
      await t.call({
        method: 'POST',
        url: `/v1/api-keys/${created.id}/rotate`,
        payload: { graceSeconds: 10 },
      })
    ).json();
    const answers = [
      await readGroup(created.key),
      await readGroup(rotated.key),
      await t.call({ method: 'GET', url: '/v1/api-keys' }),
      await t.call({ method: 'GET', url: `/v1/api-keys/${created.id}` }),
      await t.call({ method: 'GET', url: '/v1/audit-log' }),
      await t.call({ method: 'GET', url: '/nope', key: rotated.key }),
    ];
    for (const answer of answers) {
      expect(answer.body).not.toContain(created.key);
      expect(answer.body).not.toContain(rotated.key);
    }
    const log = logs.join('');
    expect(log).not.toContain(created.key);
    expect(log).not.toContain(rotated.key);
    const completed = logs.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request completed');
    expect(completed.filter((line) => line.res.keyId === created.id)).toHaveLength(2);
    expect(completed.filter((line) => line.res.keyId === 'admin').length).toBeGreaterThan(3);
  });
});
