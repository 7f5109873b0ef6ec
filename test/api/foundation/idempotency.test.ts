import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createGroup,
  createMember,
  createPartnerKey,
  createTestApp,
  T0,
  type TestApp,
} from '../../helpers/app.js';

const HOUR = 3_600_000;

let t: TestApp;
let group: string;
beforeEach(async () => {
  t = await createTestApp();
  group = await createGroup(t);
});
afterEach(async () => {
  await t.close();
});

const url = () => `/v1/groups/${group}/members`;
const post = (payload: object, idempotencyKey: string, key?: string) =>
  t.call({
    method: 'POST',
    url: url(),
    payload,
    headers: { 'idempotency-key': idempotencyKey },
    ...(key && { key }),
  });
const count = async () =>
  (await t.call({ method: 'GET', url: `${url()}?limit=500` })).json().items.length as number;

describe('Idempotency-Key on POST', () => {
  it('replays the first response for a retry with the same key and body, creating one member', async () => {
    const body = { msisdn: '13800138000', name: '张兰' };
    const first = await post(body, 'retry-1');
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    t.clock.advanceTo(T0 + 60_000);
    const second = await post(body, 'retry-1');
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.body).toBe(first.body);
    expect(await count()).toBe(1);
  });

  it('without the header, a retry is a new request', async () => {
    const body = { msisdn: '13800138000', name: '张兰' };
    expect((await t.call({ method: 'POST', url: url(), payload: body })).statusCode).toBe(201);
    const again = await t.call({ method: 'POST', url: url(), payload: body });
    expect(again.statusCode).toBe(409);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('treats the same number in another form as the same body', async () => {
    const first = await post({ msisdn: '13800138000', name: '张兰' }, 'forms');
    const second = await post({ msisdn: '+86 138 0013 8000', name: '张兰' }, 'forms');
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(await count()).toBe(1);
  });

  it('refuses the same key with another body (409 idempotency_key_reused), creating nothing', async () => {
    expect((await post({ msisdn: '13800138000', name: '张兰' }, 'reused')).statusCode).toBe(201);
    const other = await post({ msisdn: '13800138001', name: '李四' }, 'reused');
    expect(other.statusCode).toBe(409);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.json()).toMatchObject({ status: 409, code: 'idempotency_key_reused' });
    expect(await count()).toBe(1);
    const search = (await t.call({ method: 'GET', url: `${url()}?q=13800138001` })).json();
    expect(search.items).toEqual([]);
  });

  it('refuses the same key on another endpoint', async () => {
    expect((await post({ msisdn: '13800138000', name: '张兰' }, 'cross')).statusCode).toBe(201);
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups',
      payload: { name: 'x', institutionType: 'enterprise', valueTier: 'A1', province: 'CN-HE' },
      headers: { 'idempotency-key': 'cross' },
    });
    expect(res.json()).toMatchObject({ status: 409, code: 'idempotency_key_reused' });
  });

  it('keeps keys per API key: a partner and the admin use the same key independently', async () => {
    const partner = await createPartnerKey(t, [group]);
    const byAdmin = await post({ msisdn: '13800138000', name: '张兰' }, 'shared');
    const byPartner = await post({ msisdn: '13800138001', name: '李四' }, 'shared', partner);
    expect(byAdmin.statusCode).toBe(201);
    expect(byPartner.statusCode).toBe(201);
    expect(byPartner.headers['idempotent-replayed']).toBeUndefined();
    expect(byPartner.json().id).not.toBe(byAdmin.json().id);
    expect(await count()).toBe(2);

    // Each replays its own answer.
    const adminAgain = await post({ msisdn: '13800138000', name: '张兰' }, 'shared');
    const partnerAgain = await post({ msisdn: '13800138001', name: '李四' }, 'shared', partner);
    expect(adminAgain.body).toBe(byAdmin.body);
    expect(partnerAgain.body).toBe(byPartner.body);
    expect(partnerAgain.headers['idempotent-replayed']).toBe('true');
    expect(await count()).toBe(2);
  });

  it('replays a 4xx answer too, even once the conflict is gone', async () => {
    const holder = await createMember(t, group, { msisdn: '13800138000', name: '张兰' });
    const body = { msisdn: '13800138000', name: '冒名' };
    const first = await post(body, 'conflict');
    expect(first.statusCode).toBe(409);
    expect(first.json().code).toBe('msisdn_taken');

    expect((await t.call({ method: 'DELETE', url: `${url()}/${holder.id}` })).statusCode).toBe(204);
    const replay = await post(body, 'conflict');
    expect(replay.statusCode).toBe(409);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(replay.body).toBe(first.body);
    expect(await count()).toBe(0);

    const fresh = await post(body, 'conflict-2');
    expect(fresh.statusCode).toBe(201);
  });

  it('replays a 404 for an unknown group', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups/grp_nope/members',
      payload: { msisdn: '13800138000', name: '张兰' },
      headers: { 'idempotency-key': 'ghost' },
    });
    expect(res.statusCode).toBe(404);
    const again = await t.call({
      method: 'POST',
      url: '/v1/groups/grp_nope/members',
      payload: { msisdn: '13800138000', name: '张兰' },
      headers: { 'idempotency-key': 'ghost' },
    });
    expect(again.statusCode).toBe(404);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('keeps a key for 24 hours of the service clock, then frees it', async () => {
    const body = { msisdn: '13800138000', name: '张兰' };
    const first = await post(body, 'day');
    expect(first.statusCode).toBe(201);

    t.clock.advanceTo(T0 + 23 * HOUR);
    const within = await post(body, 'day');
    expect(within.headers['idempotent-replayed']).toBe('true');
    expect((await post({ msisdn: '13800138001', name: '李四' }, 'day')).statusCode).toBe(409);

    t.clock.advanceTo(T0 + 24 * HOUR + 1_000);
    const after = await post({ msisdn: '13800138001', name: '李四' }, 'day');
    expect(after.statusCode).toBe(201);
    expect(after.headers['idempotent-replayed']).toBeUndefined();
    expect(await count()).toBe(2);

    // The key now holds the new answer.
    const replay = await post({ msisdn: '13800138001', name: '李四' }, 'day');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(after.body);
  });

  it('refuses an empty or over-long key with a 400 naming the header', async () => {
    for (const key of ['', 'k'.repeat(256)]) {
      const res = await post({ msisdn: '13800138000', name: '张兰' }, key);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
    }
    expect(await count()).toBe(0);
    expect((await post({ msisdn: '13800138000', name: '张兰' }, 'k'.repeat(255))).statusCode).toBe(201);
  });

  it('works on other POSTs: a replayed group creation creates one group', async () => {
    const body = { name: '重试集团', institutionType: 'enterprise', valueTier: 'B2', province: 'CN-HE' };
    const headers = { 'idempotency-key': 'group-1' };
    const a = await t.call({ method: 'POST', url: '/v1/groups', payload: body, headers });
    const b = await t.call({ method: 'POST', url: '/v1/groups', payload: body, headers });
    expect(a.statusCode).toBe(201);
    expect(b.body).toBe(a.body);
    const names = (await t.call({ method: 'GET', url: '/v1/groups' }))
      .json()
      .items.map((g: { name: string }) => g.name);
    expect(names.filter((n: string) => n === '重试集团')).toHaveLength(1);
  });
});

describe('Idempotency-Key on the routing hot path', () => {
  const route = (payload: object, idempotencyKey?: string) =>
    t.call({
      method: 'POST',
      url: '/v1/route',
      payload,
      ...(idempotencyKey !== undefined && { headers: { 'idempotency-key': idempotencyKey } }),
    });

  it('replays a decision for a retry with the same key and body, and refuses another body', async () => {
    const body = { from: '13800138000', to: '110' };
    const first = await route(body, 'route-1');
    expect(first.statusCode).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await route(body, 'route-1');
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    const other = await route({ ...body, to: '120' }, 'route-1');
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused' });
    // Without the header nothing is stored or replayed.
    const plain = await route(body);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses an empty key as before', async () => {
    const res = await route({ from: '13800138000', to: '110' }, '');
    expect(res.statusCode).toBe(400);
  });
});

describe('concurrent requests with the same Idempotency-Key', () => {
  const N = 6;
  /**
   * How the look-ups answer, in microtask turns: all requests look the key up (and read the
   * same row) before any goes on, then the k-th goes on after k × spread turns, as a
   * database's answers come back out of step. At 0 the requests advance in step; spread out,
   * one request's reservation lands between another's look-up and its next step.
   */
  const SPREADS = [0, 1, 2, 3, 5, 8, 13];
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await null;
  };
  /** The answers of requests sent at once whose look-ups all read the key as it was. */
  const atOnce = async (bodies: object[], idempotencyKey: string, spread: number) => {
    const repo = t.app.services.idempotencyRepo;
    const find = repo.find;
    let looked = 0;
    let allLooked = () => {};
    const together = new Promise<void>((resolve) => {
      allLooked = resolve;
    });
    const late = vi.spyOn(repo, 'find').mockImplementation(async (principal, key) => {
      const row = await find(principal, key);
      const k = looked++;
      // A second look-up (after losing the reservation) answers at once.
      if (k >= bodies.length) return row;
      if (looked === bodies.length) allLooked();
      await together;
      await turns(k * spread);
      return row;
    });
    try {
      const answers = await Promise.all(bodies.map((body) => post(body, idempotencyKey)));
      return answers.map((res) => ({
        status: res.statusCode,
        replayed: res.headers['idempotent-replayed'] === 'true',
        code: res.statusCode === 201 ? undefined : (res.json().code as string),
        body: res.body,
      }));
    } finally {
      late.mockRestore();
    }
  };
  const member = (i: number, j = 0) => ({
    msisdn: `138001${String(i * 100 + j).padStart(5, '0')}`,
    name: `成员${i}-${j}`,
  });

  it('runs the operation once: one creation, the others its replay or 409 idempotency_in_progress', async () => {
    for (const [i, spread] of SPREADS.entries()) {
      const body = member(i);
      const answers = await atOnce(
        Array.from({ length: N }, () => body),
        `race-${spread}`,
        spread,
      );
      const ran = answers.filter((a) => a.status === 201 && !a.replayed);
      expect(ran, `spread ${spread}`).toHaveLength(1);
      for (const answer of answers) {
        if (answer === ran[0]) continue;
        if (answer.status === 201) {
          expect(answer.replayed).toBe(true);
          expect(answer.body).toBe(ran[0]!.body);
        } else {
          expect(answer).toMatchObject({ status: 409, code: 'idempotency_in_progress', replayed: false });
        }
      }
      // Settled: a retry now replays the one answer.
      const retry = await post(body, `race-${spread}`);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toBe(ran[0]!.body);
    }
    expect(await count()).toBe(SPREADS.length);
  });

  it('with other bodies at once, one runs and the others are refused, creating one member', async () => {
    for (const [i, spread] of SPREADS.entries()) {
      const bodies = Array.from({ length: N }, (_, j) => member(i, j));
      const answers = await atOnce(bodies, `race-bodies-${spread}`, spread);
      expect(
        answers.filter((a) => a.status === 201),
        `spread ${spread}`,
      ).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 201)) {
        expect(answer.status).toBe(409);
        expect(['idempotency_in_progress', 'idempotency_key_reused']).toContain(answer.code);
      }
    }
    expect(await count()).toBe(SPREADS.length);
  });

  it('once a key has expired, concurrent requests with it still run the operation once', async () => {
    for (const [i] of SPREADS.entries()) {
      expect((await post(member(i), `expired-${i}`)).statusCode).toBe(201);
    }
    // Expired but not yet purged: the purge (every 10 minutes) runs a minute before they expire.
    t.clock.advanceTo(T0 + 24 * HOUR - 60_000);
    expect((await post(member(99), 'purge')).statusCode).toBe(201);
    t.clock.advanceTo(T0 + 24 * HOUR + 1_000);
    for (const [i, spread] of SPREADS.entries()) {
      const next = member(i, 1);
      const answers = await atOnce(
        Array.from({ length: N }, () => next),
        `expired-${i}`,
        spread,
      );
      expect(
        answers.filter((a) => a.status === 201 && !a.replayed),
        `spread ${spread}`,
      ).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 201)) {
        expect(answer.code).toBe('idempotency_in_progress');
      }
    }
    expect(await count()).toBe(2 * SPREADS.length + 1);
  });
});
