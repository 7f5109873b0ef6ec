import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTITUTION_TYPES, VALUE_TIERS } from '../../../src/domain/group-rules.js';
import {
  createGroup,
  createMember,
  createTestApp,
  HEBEI_ENTERPRISE,
  type TestApp,
} from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const TIER_D_TYPES = new Set(['individual_business', 'cluster']);

function expectProblem(res: Awaited<ReturnType<TestApp['call']>>, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
}

describe('POST /v1/groups', () => {
  it('creates a group (201) with an id, defaulting the time zone to Asia/Shanghai', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/groups', payload: HEBEI_ENTERPRISE });
    expect(res.statusCode).toBe(201);
    const group = res.json();
    expect(group).toMatchObject({ ...HEBEI_ENTERPRISE, timezone: 'Asia/Shanghai' });
    expect(group.id).toMatch(/^grp_/);
    expect(group.createdAt).toBe('2026-11-24T01:00:00.000Z');
    expect(group.updatedAt).toBe(group.createdAt);

    const got = await t.call({ method: 'GET', url: `/v1/groups/${group.id}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(group);
  });

  it('keeps a given time zone and defaults city to null', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups',
      payload: {
        name: '乌鲁木齐商贸',
        institutionType: 'enterprise',
        valueTier: 'B1',
        province: 'CN-XJ',
        timezone: 'Asia/Urumqi',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ timezone: 'Asia/Urumqi', city: null, province: 'CN-XJ' });
  });

  it('round-trips Chinese names unchanged', async () => {
    const name = '中国移动通信集团河北有限公司·石家庄分公司（测试）「集团客户」𠀀';
    const id = await createGroup(t, { ...HEBEI_ENTERPRISE, name, city: '石家庄市' });
    const res = await t.call({ method: 'GET', url: `/v1/groups/${id}` });
    expect(res.json()).toMatchObject({ name, city: '石家庄市' });
    expect(res.headers['content-type']).toMatch(/charset=utf-8/i);
    const listed = (await t.call({ method: 'GET', url: '/v1/groups?limit=500' })).json();
    expect(listed.items.find((g: { id: string }) => g.id === id)?.name).toBe(name);
  });

  describe('value tier vs institution type: tier D is exactly individual businesses and clusters', () => {
    const pairs = VALUE_TIERS.flatMap((valueTier) =>
      INSTITUTION_TYPES.map((institutionType) => ({
        valueTier,
        institutionType,
        fits: (valueTier === 'D') === TIER_D_TYPES.has(institutionType),
      })),
    );

    it.each(pairs.filter((p) => p.fits))('accepts $institutionType with tier $valueTier', async (pair) => {
      const res = await t.call({
        method: 'POST',
        url: '/v1/groups',
        payload: { ...HEBEI_ENTERPRISE, institutionType: pair.institutionType, valueTier: pair.valueTier },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject(
        pair.valueTier === 'D' ? { valueTier: 'D' } : { valueTier: pair.valueTier },
      );
    });

    it.each(pairs.filter((p) => !p.fits))(
      'refuses $institutionType with tier $valueTier (422)',
      async (pair) => {
        const before = (await t.call({ method: 'GET', url: '/v1/groups?limit=500' })).json().items.length;
        const res = await t.call({
          method: 'POST',
          url: '/v1/groups',
          payload: { ...HEBEI_ENTERPRISE, institutionType: pair.institutionType, valueTier: pair.valueTier },
        });
        expectProblem(res, 422, 'tier_mismatch');
        const after = (await t.call({ method: 'GET', url: '/v1/groups?limit=500' })).json().items.length;
        expect(after).toBe(before);
      },
    );

    it('covers all 48 pairings', () => {
      expect(pairs).toHaveLength(48);
      expect(pairs.filter((p) => p.fits)).toHaveLength(32);
    });
  });

  it('refuses an unknown institution type with a 400 naming body.institutionType', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups',
      payload: { ...HEBEI_ENTERPRISE, institutionType: 'corporation' },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'body.institutionType' })]);
  });

  it.each([
    [{ valueTier: 'E' }, 'body.valueTier'],
    [{ province: 'CN-XX' }, 'body.province'],
    [{ province: 'Hebei' }, 'body.province'],
    [{ name: '' }, 'body.name'],
    [{ name: '   ' }, 'body.name'],
    [{ name: 'x'.repeat(201) }, 'body.name'],
    [{ name: 42 }, 'body.name'],
    [{ timezone: 8 }, 'body.timezone'],
  ])('refuses %j with a 400 naming %s', async (patch, path) => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/groups',
      payload: { ...HEBEI_ENTERPRISE, ...patch },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('names every missing required field', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/groups', payload: {} });
    expectProblem(res, 400, 'validation_failed');
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.name', 'body.institutionType', 'body.valueTier', 'body.province']),
    );
  });

  it.each(['Mars/Olympus_Mons', 'Asia/Beijing', 'UTC+8', '+08:00', ''])(
    'refuses the time zone %j (422)',
    async (timezone) => {
      const res = await t.call({
        method: 'POST',
        url: '/v1/groups',
        payload: { ...HEBEI_ENTERPRISE, timezone },
      });
      expectProblem(res, 422, 'invalid_timezone');
      expect(res.json().errors).toEqual([expect.objectContaining({ path: 'body.timezone' })]);
    },
  );
});

describe('GET / PATCH / DELETE /v1/groups/{groupId}', () => {
  it('answers 404 for an unknown group on every verb', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await t.call({
        method,
        url: '/v1/groups/grp_doesnotexist',
        ...(method === 'PATCH' && { payload: { name: 'x' } }),
      });
      expectProblem(res, 404, 'not_found');
    }
  });

  it('patches fields, keeps the rest, and moves updatedAt with the clock', async () => {
    const id = await createGroup(t);
    t.clock.advanceTo(t.clock.now() + 60_000);
    const res = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${id}`,
      payload: { name: '华北电力（新）', city: null, timezone: 'Asia/Urumqi' },
    });
    expect(res.statusCode).toBe(200);
    const group = res.json();
    expect(group).toMatchObject({
      id,
      name: '华北电力（新）',
      city: null,
      timezone: 'Asia/Urumqi',
      institutionType: HEBEI_ENTERPRISE.institutionType,
      valueTier: HEBEI_ENTERPRISE.valueTier,
      province: HEBEI_ENTERPRISE.province,
    });
    expect(Date.parse(group.updatedAt) - Date.parse(group.createdAt)).toBe(60_000);
    expect((await t.call({ method: 'GET', url: `/v1/groups/${id}` })).json()).toEqual(group);
  });

  it('ignores fields that are not part of the input (id, createdAt)', async () => {
    const id = await createGroup(t);
    const { createdAt } = (await t.call({ method: 'GET', url: `/v1/groups/${id}` })).json();
    const res = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${id}`,
      payload: { id: 'grp_hijack', createdAt: '2000-01-01T00:00:00Z', name: '改名' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, name: '改名', createdAt });
    expect((await t.call({ method: 'GET', url: '/v1/groups/grp_hijack' })).statusCode).toBe(404);
  });

  it('applies the tier-D rule to the patched whole, changing nothing on a 422', async () => {
    const id = await createGroup(t);
    const before = (await t.call({ method: 'GET', url: `/v1/groups/${id}` })).json();

    expectProblem(
      await t.call({ method: 'PATCH', url: `/v1/groups/${id}`, payload: { valueTier: 'D' } }),
      422,
      'tier_mismatch',
    );
    expectProblem(
      await t.call({ method: 'PATCH', url: `/v1/groups/${id}`, payload: { institutionType: 'cluster' } }),
      422,
      'tier_mismatch',
    );
    expectProblem(
      await t.call({
        method: 'PATCH',
        url: `/v1/groups/${id}`,
        payload: { timezone: 'Nowhere/Land', name: 'x' },
      }),
      422,
      'invalid_timezone',
    );
    expect((await t.call({ method: 'GET', url: `/v1/groups/${id}` })).json()).toEqual(before);

    const both = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${id}`,
      payload: { institutionType: 'cluster', valueTier: 'D' },
    });
    expect(both.statusCode).toBe(200);
    expect(both.json()).toMatchObject({ institutionType: 'cluster', valueTier: 'D' });
  });

  it('refuses a bad enum in a PATCH with a 400', async () => {
    const id = await createGroup(t);
    const res = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${id}`,
      payload: { institutionType: 'nope' },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.json().errors[0].path).toBe('body.institutionType');
  });

  it('deletes a group without members (204), after which it is gone', async () => {
    const id = await createGroup(t);
    const res = await t.call({ method: 'DELETE', url: `/v1/groups/${id}` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expectProblem(await t.call({ method: 'GET', url: `/v1/groups/${id}` }), 404, 'not_found');
    expectProblem(await t.call({ method: 'DELETE', url: `/v1/groups/${id}` }), 404, 'not_found');
  });

  it('deletes a group with a VPN and sub-groups but no members', async () => {
    const id = await createGroup(t);
    expect((await t.call({ method: 'PUT', url: `/v1/groups/${id}/vpn`, payload: {} })).statusCode).toBe(201);
    const sub = await t.call({
      method: 'POST',
      url: `/v1/groups/${id}/subgroups`,
      payload: { name: '销售', shortCode: '800' },
    });
    expect(sub.statusCode).toBe(201);
    expect((await t.call({ method: 'DELETE', url: `/v1/groups/${id}` })).statusCode).toBe(204);
    expect((await t.call({ method: 'GET', url: `/v1/groups/${id}/vpn` })).statusCode).toBe(404);
  });

  it('refuses to delete a group with members (409 group_has_members) and keeps it', async () => {
    const id = await createGroup(t);
    const member = await createMember(t, id, { msisdn: '13912340001', name: '张兰' });
    expectProblem(await t.call({ method: 'DELETE', url: `/v1/groups/${id}` }), 409, 'group_has_members');
    expect((await t.call({ method: 'GET', url: `/v1/groups/${id}` })).statusCode).toBe(200);
    expect((await t.call({ method: 'GET', url: `/v1/groups/${id}/members/${member.id}` })).statusCode).toBe(
      200,
    );

    expect(
      (await t.call({ method: 'DELETE', url: `/v1/groups/${id}/members/${member.id}` })).statusCode,
    ).toBe(204);
    expect((await t.call({ method: 'DELETE', url: `/v1/groups/${id}` })).statusCode).toBe(204);
  });
});

describe('GET /v1/groups: pagination', () => {
  let p: TestApp;
  const ids: string[] = [];
  beforeAll(async () => {
    p = await createTestApp();
    for (let i = 0; i < 7; i++) ids.push(await createGroup(p, { ...HEBEI_ENTERPRISE, name: `集团${i}` }));
  });
  afterAll(async () => {
    await p.close();
  });

  it('lists in creation order with a default page of 50 and no next cursor', async () => {
    const res = await p.call({ method: 'GET', url: '/v1/groups' });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.items.map((g: { id: string }) => g.id)).toEqual(ids);
    expect(page.nextCursor).toBeNull();
  });

  it('walks the pages with limit and cursor, each group once', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/groups?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await p.call({ method: 'GET', url })).json();
      sizes.push(page.items.length);
      seen.push(...page.items.map((g: { id: string }) => g.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(ids);
  });

  it('gives no next cursor when the last page is exactly full', async () => {
    const first = (await p.call({ method: 'GET', url: '/v1/groups?limit=7' })).json();
    expect(first.items).toHaveLength(7);
    expect(first.nextCursor).toBeNull();
    const six = (await p.call({ method: 'GET', url: '/v1/groups?limit=6' })).json();
    expect(six.nextCursor).toBe(ids[5]);
  });

  it('accepts limit 500 and refuses 0, 501 and non-integers with a 400 naming query.limit', async () => {
    expect((await p.call({ method: 'GET', url: '/v1/groups?limit=500' })).statusCode).toBe(200);
    for (const limit of ['0', '501', '-1', '2.5', 'ten']) {
      const res = await p.call({ method: 'GET', url: `/v1/groups?limit=${limit}` });
      expectProblem(res, 400, 'validation_failed');
      expect(res.json().errors[0].path).toBe('querystring.limit');
    }
  });

  it('gives an empty page past the end', async () => {
    const page = (await p.call({ method: 'GET', url: `/v1/groups?cursor=${ids[6]}` })).json();
    expect(page).toEqual({ items: [], nextCursor: null });
  });
});
