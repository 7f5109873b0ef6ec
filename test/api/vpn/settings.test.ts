import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, createTestApp, type TestApp } from '../../helpers/app.js';
import { addMember, addSubgroup, createVpnGroup, NUMBERS, problem, putVpn } from './fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('PUT/GET /v1/groups/{groupId}/vpn', () => {
  it('subscribes with 201, answers 200 on later changes, and GET returns what was stored', async () => {
    const groupId = await createGroup(t);
    const body = {
      shortCodeLength: { min: 4, max: 5 },
      crossProvince: true,
      showShortCode: false,
      onnetRateFenPerMinute: 3,
    };
    const first = await putVpn(t, groupId, body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ groupId, ...body });

    const second = await putVpn(t, groupId, { ...body, showShortCode: true, onnetRateFenPerMinute: null });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ showShortCode: true, onnetRateFenPerMinute: null });

    const got = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/vpn` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({ groupId, ...body, showShortCode: true, onnetRateFenPerMinute: null });
  });

  it('fills the defaults: 3–6 digits, not cross-province, short code shown, no own rate', async () => {
    const groupId = await createGroup(t);
    const res = await putVpn(t, groupId, {});
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      groupId,
      shortCodeLength: { min: 3, max: 6 },
      crossProvince: false,
      showShortCode: true,
      onnetRateFenPerMinute: null,
    });
  });

  it('GET is a 404 for a group without a VPN and for an unknown group', async () => {
    const groupId = await createGroup(t);
    const res = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/vpn` });
    expect(problem(res)).toMatchObject({ status: 404, code: 'not_found' });
    const unknown = await t.call({ method: 'GET', url: '/v1/groups/grp_nope/vpn' });
    expect(problem(unknown)).toMatchObject({ status: 404, code: 'not_found' });
    expect(problem(await putVpn(t, 'grp_nope'))).toMatchObject({ status: 404 });
  });

  it('refuses min > max with a 400 naming the field, and stores nothing', async () => {
    const groupId = await createGroup(t);
    const res = await putVpn(t, groupId, { shortCodeLength: { min: 6, max: 4 } });
    expect(problem(res)).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(problem(res).errors?.[0]?.path).toBe('body.shortCodeLength.min');
    expect((await t.call({ method: 'GET', url: `/v1/groups/${groupId}/vpn` })).statusCode).toBe(404);
  });

  it('refuses malformed settings with a 400', async () => {
    const groupId = await createGroup(t);
    for (const body of [
      { shortCodeLength: { min: 1, max: 6 } },
      { shortCodeLength: { min: 3, max: 9 } },
      { shortCodeLength: { min: 3.5, max: 6 } },
      { crossProvince: 'yes' },
      { onnetRateFenPerMinute: -1 },
      { onnetRateFenPerMinute: 1.5 },
    ]) {
      const res = await t.call({ method: 'PUT', url: `/v1/groups/${groupId}/vpn`, payload: body });
      expect(problem(res), JSON.stringify(body)).toMatchObject({ status: 400, code: 'validation_failed' });
    }
  });

  it('refuses a plan that would orphan a held member code with 422 vpn_plan_conflict, keeping the old plan', async () => {
    const groupId = await createVpnGroup(t);
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '601' });
    const res = await putVpn(t, groupId, { shortCodeLength: { min: 4, max: 6 } });
    expect(problem(res)).toMatchObject({ status: 422, code: 'vpn_plan_conflict' });
    expect(problem(res).errors?.[0]?.path).toBe('body.shortCodeLength');
    const got = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/vpn` });
    expect(got.json().shortCodeLength).toEqual({ min: 3, max: 6 });
  });

  it('refuses a plan that would orphan a sub-group code too', async () => {
    const groupId = await createVpnGroup(t);
    await addSubgroup(t, groupId, { name: '管理层', shortCode: '800001' });
    const res = await putVpn(t, groupId, { shortCodeLength: { min: 3, max: 5 } });
    expect(problem(res)).toMatchObject({ status: 422, code: 'vpn_plan_conflict' });
  });

  it('accepts a plan change that every held code still fits', async () => {
    const groupId = await createVpnGroup(t);
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    await addSubgroup(t, groupId, { name: '管理层', shortCode: '8000' });
    const res = await putVpn(t, groupId, { shortCodeLength: { min: 4, max: 4 } });
    expect(res.statusCode).toBe(200);
    expect(res.json().shortCodeLength).toEqual({ min: 4, max: 4 });
  });

  it('refuses turning off crossProvince while an out-of-province member holds a code (422)', async () => {
    const groupId = await createVpnGroup(t, { crossProvince: true });
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001', homeProvince: 'CN-BJ' });
    const res = await putVpn(t, groupId, { crossProvince: false });
    expect(problem(res)).toMatchObject({ status: 422, code: 'vpn_plan_conflict' });
    expect(problem(res).errors?.[0]?.path).toBe('body.crossProvince');
    const got = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/vpn` });
    expect(got.json().crossProvince).toBe(true);
  });

  it('allows turning off crossProvince when out-of-province members hold no code', async () => {
    const groupId = await createVpnGroup(t, { crossProvince: true });
    await addMember(t, groupId, NUMBERS.wang, { homeProvince: 'CN-BJ' });
    await addMember(t, groupId, NUMBERS.li, { shortCode: '6002' });
    const res = await putVpn(t, groupId, { crossProvince: false });
    expect(res.statusCode).toBe(200);
    expect(res.json().crossProvince).toBe(false);
  });

  it('is group-scoped for partner keys: another group’s VPN is a 404', async () => {
    const mine = await createVpnGroup(t);
    const theirs = await createVpnGroup(t);
    const key = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'p', groupIds: [mine] },
    });
    const partner = key.json().key as string;
    expect((await t.call({ method: 'GET', url: `/v1/groups/${mine}/vpn`, key: partner })).statusCode).toBe(
      200,
    );
    const other = await t.call({ method: 'GET', url: `/v1/groups/${theirs}/vpn`, key: partner });
    expect(problem(other)).toMatchObject({ status: 404 });
  });
});

describe('the cross-province rule against a change of the group’s province', () => {
  // BUG (src/services/groups.ts, update): PATCH /v1/groups/{id} {province} is not checked
  // against the VPN, so it can leave members holding short codes outside the group's province
  // in a VPN without crossProvince. Every later PATCH of such a member (even a name) is then a
  // 422 cross_province_not_allowed until its code is freed.
  it('refuses moving the group to another province while its own-province members hold codes (422)', async () => {
    const groupId = await createVpnGroup(t, { crossProvince: false });
    const member = await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    const res = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${groupId}`,
      payload: { province: 'CN-BJ' },
    });
    expect(problem(res)).toMatchObject({ status: 422, code: 'vpn_plan_conflict' });
    expect((await t.call({ method: 'GET', url: `/v1/groups/${groupId}` })).json().province).toBe('CN-HE');
    const rename = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${groupId}/members/${member.id}`,
      payload: { name: '王明' },
    });
    expect(rename.statusCode).toBe(200);
  });

  it('allows moving the group when the VPN is cross-province', async () => {
    const groupId = await createVpnGroup(t, { crossProvince: true });
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    const res = await t.call({
      method: 'PATCH',
      url: `/v1/groups/${groupId}`,
      payload: { province: 'CN-BJ' },
    });
    expect(res.statusCode).toBe(200);
  });
});
