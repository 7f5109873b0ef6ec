import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, createTestApp, type TestApp } from '../../helpers/app.js';
import {
  addMember,
  addSubgroup,
  createSubgroup,
  createVpnGroup,
  getMember,
  joinSubgroup,
  leaveSubgroup,
  NUMBERS,
  patchMember,
  problem,
} from './fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const getSubgroup = (groupId: string, subgroupId: string) =>
  t.call({ method: 'GET', url: `/v1/groups/${groupId}/subgroups/${subgroupId}` });

describe('POST /v1/groups/{groupId}/subgroups', () => {
  it('creates a sub-group with a short code and its own rate', async () => {
    const groupId = await createVpnGroup(t);
    const res = await createSubgroup(t, groupId, {
      name: '管理层',
      shortCode: '8000',
      onnetRateFenPerMinute: 2,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      groupId,
      name: '管理层',
      shortCode: '8000',
      onnetRateFenPerMinute: 2,
      memberIds: [],
    });
    expect(body.id).toMatch(/^sgp_/);
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
    expect((await getSubgroup(groupId, body.id)).json()).toEqual(body);
  });

  it('creates a sub-group without code or rate', async () => {
    const groupId = await createVpnGroup(t);
    const res = await createSubgroup(t, groupId, { name: '销售团队' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: '销售团队', shortCode: null, onnetRateFenPerMinute: null });
    const explicit = await createSubgroup(t, groupId, { name: '信息中心', shortCode: null });
    expect(explicit.statusCode).toBe(201);
    expect(explicit.json().shortCode).toBeNull();
  });

  it('lists the group’s sub-groups', async () => {
    const groupId = await createVpnGroup(t);
    const a = await addSubgroup(t, groupId, { name: 'A', shortCode: '8001' });
    const b = await addSubgroup(t, groupId, { name: 'B' });
    const res = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/subgroups` });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((s: { id: string }) => s.id)).toEqual([a.id, b.id]);
  });

  it('answers 422 vpn_required in a group without a VPN', async () => {
    const groupId = await createGroup(t);
    const res = await createSubgroup(t, groupId, { name: '管理层' });
    expect(problem(res)).toMatchObject({ status: 422, code: 'vpn_required' });
  });

  it('answers 409 short_code_taken for a code a member holds, and for one another sub-group holds', async () => {
    const groupId = await createVpnGroup(t);
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    await addSubgroup(t, groupId, { name: 'A', shortCode: '8000' });
    expect(problem(await createSubgroup(t, groupId, { name: 'B', shortCode: '6001' }))).toMatchObject({
      status: 409,
      code: 'short_code_taken',
    });
    expect(problem(await createSubgroup(t, groupId, { name: 'C', shortCode: '8000' }))).toMatchObject({
      status: 409,
      code: 'short_code_taken',
    });
    const list = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/subgroups` });
    expect(list.json().items).toHaveLength(1);
  });

  it('answers 422 short_code_invalid for a code outside the plan', async () => {
    const groupId = await createVpnGroup(t);
    for (const shortCode of ['0800', '1800', '80', '8000000', '80a0']) {
      expect(problem(await createSubgroup(t, groupId, { name: 'X', shortCode }))).toMatchObject({
        status: 422,
        code: 'short_code_invalid',
      });
    }
  });

  it('answers 400 for a missing name or a negative rate', async () => {
    const groupId = await createVpnGroup(t);
    expect(problem(await createSubgroup(t, groupId, { shortCode: '8000' })).status).toBe(400);
    expect(problem(await createSubgroup(t, groupId, { name: '  ' })).status).toBe(400);
    expect(problem(await createSubgroup(t, groupId, { name: 'A', onnetRateFenPerMinute: -2 })).status).toBe(
      400,
    );
  });

  it('renames, re-codes and re-rates with PATCH, checking the new code', async () => {
    const groupId = await createVpnGroup(t);
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    const sub = await addSubgroup(t, groupId, { name: 'A', shortCode: '8000' });
    const url = `/v1/groups/${groupId}/subgroups/${sub.id}`;
    const taken = await t.call({ method: 'PATCH', url, payload: { shortCode: '6001' } });
    expect(problem(taken)).toMatchObject({ status: 409, code: 'short_code_taken' });
    const res = await t.call({
      method: 'PATCH',
      url,
      payload: { name: 'B', shortCode: '8100', onnetRateFenPerMinute: 1 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'B', shortCode: '8100', onnetRateFenPerMinute: 1 });
    // The old code is free again.
    const member = await addMember(t, groupId, NUMBERS.li);
    expect((await patchMember(t, groupId, member.id, { shortCode: '8000' })).statusCode).toBe(200);
  });
});

describe('sub-group membership', () => {
  it('PUT links a member (idempotently) and DELETE unlinks it; both views agree', async () => {
    const groupId = await createVpnGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang);
    const sub = await addSubgroup(t, groupId, { name: 'A', shortCode: '8000' });

    const joined = await joinSubgroup(t, groupId, sub.id, member.id);
    expect(joined.statusCode).toBe(200);
    expect(joined.json().memberIds).toEqual([member.id]);
    expect((await joinSubgroup(t, groupId, sub.id, member.id)).json().memberIds).toEqual([member.id]);
    expect((await getMember(t, groupId, member.id)).json().subgroupIds).toEqual([sub.id]);
    expect((await getSubgroup(groupId, sub.id)).json().memberIds).toEqual([member.id]);

    const left = await leaveSubgroup(t, groupId, sub.id, member.id);
    expect(left.statusCode).toBe(200);
    expect(left.json().memberIds).toEqual([]);
    expect((await getMember(t, groupId, member.id)).json().subgroupIds).toEqual([]);
  });

  it('a member may belong to several sub-groups', async () => {
    const groupId = await createVpnGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang);
    const a = await addSubgroup(t, groupId, { name: 'A' }, [member.id]);
    const b = await addSubgroup(t, groupId, { name: 'B' }, [member.id]);
    expect((await getMember(t, groupId, member.id)).json().subgroupIds.sort()).toEqual([a.id, b.id].sort());
  });

  it('a member of another group, an unknown member and an unknown sub-group are 404s', async () => {
    const groupId = await createVpnGroup(t);
    const otherGroup = await createVpnGroup(t);
    const outsider = await addMember(t, otherGroup, NUMBERS.other);
    const member = await addMember(t, groupId, NUMBERS.wang);
    const sub = await addSubgroup(t, groupId, { name: 'A' });
    const foreignSub = await addSubgroup(t, otherGroup, { name: 'F' });

    expect(problem(await joinSubgroup(t, groupId, sub.id, outsider.id))).toMatchObject({ status: 404 });
    expect(problem(await leaveSubgroup(t, groupId, sub.id, outsider.id))).toMatchObject({ status: 404 });
    expect(problem(await joinSubgroup(t, groupId, sub.id, 'mem_nope'))).toMatchObject({ status: 404 });
    expect(problem(await joinSubgroup(t, groupId, 'sgp_nope', member.id))).toMatchObject({ status: 404 });
    expect(problem(await joinSubgroup(t, groupId, foreignSub.id, member.id))).toMatchObject({ status: 404 });
    expect((await getSubgroup(groupId, sub.id)).json().memberIds).toEqual([]);
    expect((await getSubgroup(otherGroup, foreignSub.id)).json().memberIds).toEqual([]);
  });

  it('deleting a member takes it out of its sub-groups', async () => {
    const groupId = await createVpnGroup(t);
    const a = await addMember(t, groupId, NUMBERS.wang);
    const b = await addMember(t, groupId, NUMBERS.li);
    const sub = await addSubgroup(t, groupId, { name: 'A' }, [a.id, b.id]);
    const deleted = await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}/members/${a.id}` });
    expect(deleted.statusCode).toBe(204);
    expect((await getSubgroup(groupId, sub.id)).json().memberIds).toEqual([b.id]);
  });
});

describe('DELETE /v1/groups/{groupId}/subgroups/{subgroupId}', () => {
  it('deletes the sub-group, frees its code and unlinks its members', async () => {
    const groupId = await createVpnGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang);
    const sub = await addSubgroup(t, groupId, { name: 'A', shortCode: '8000' }, [member.id]);
    const res = await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}/subgroups/${sub.id}` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(problem(await getSubgroup(groupId, sub.id))).toMatchObject({ status: 404 });
    expect((await getMember(t, groupId, member.id)).json().subgroupIds).toEqual([]);

    // Its code is free for a member and for a new sub-group.
    expect((await patchMember(t, groupId, member.id, { shortCode: '8000' })).statusCode).toBe(200);
    await patchMember(t, groupId, member.id, { shortCode: null });
    expect((await createSubgroup(t, groupId, { name: 'B', shortCode: '8000' })).statusCode).toBe(201);
  });

  it('is a 404 for an unknown sub-group and for one of another group', async () => {
    const groupId = await createVpnGroup(t);
    const other = await createVpnGroup(t);
    const foreign = await addSubgroup(t, other, { name: 'F' });
    expect(
      problem(await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}/subgroups/sgp_nope` })),
    ).toMatchObject({ status: 404 });
    expect(
      problem(await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}/subgroups/${foreign.id}` })),
    ).toMatchObject({ status: 404 });
    expect((await getSubgroup(other, foreign.id)).statusCode).toBe(200);
  });
});
