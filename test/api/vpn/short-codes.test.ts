import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, createTestApp, type TestApp } from '../../helpers/app.js';
import {
  addMember,
  addSubgroup,
  createVpnGroup,
  getMember,
  NUMBERS,
  patchMember,
  problem,
  putVpn,
} from './fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

/** Expects the request to fail as given and the member to keep `shortCode`. */
async function expectRefusedAndUnchanged(
  groupId: string,
  memberId: string,
  payload: Record<string, unknown>,
  expected: { status: number; code: string },
  shortCode: string | null,
) {
  const res = await patchMember(t, groupId, memberId, payload);
  expect(problem(res), JSON.stringify(payload)).toMatchObject(expected);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const after = await getMember(t, groupId, memberId);
  expect(after.json().shortCode).toBe(shortCode);
}

describe('PATCH /v1/groups/{groupId}/members/{memberId} {shortCode}', () => {
  it('gives a valid code, changes it, and frees it with null', async () => {
    const groupId = await createVpnGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang);
    expect(member.shortCode).toBeNull();

    const given = await patchMember(t, groupId, member.id, { shortCode: '6001' });
    expect(given.statusCode).toBe(200);
    expect(given.json().shortCode).toBe('6001');
    expect((await getMember(t, groupId, member.id)).json().shortCode).toBe('6001');

    const changed = await patchMember(t, groupId, member.id, { shortCode: '600101' });
    expect(changed.json().shortCode).toBe('600101');

    const freed = await patchMember(t, groupId, member.id, { shortCode: null });
    expect(freed.statusCode).toBe(200);
    expect(freed.json().shortCode).toBeNull();
    expect((await getMember(t, groupId, member.id)).json().shortCode).toBeNull();
  });

  it('accepts the codes at both ends of the plan and re-sending the code already held', async () => {
    const groupId = await createVpnGroup(t);
    const a = await addMember(t, groupId, NUMBERS.wang);
    const b = await addMember(t, groupId, NUMBERS.li);
    expect((await patchMember(t, groupId, a.id, { shortCode: '200' })).statusCode).toBe(200);
    expect((await patchMember(t, groupId, b.id, { shortCode: '999999' })).statusCode).toBe(200);
    const again = await patchMember(t, groupId, a.id, { shortCode: '200', name: '王明' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ shortCode: '200', name: '王明' });
  });

  it('lets a freed code be taken by someone else', async () => {
    const groupId = await createVpnGroup(t);
    const a = await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    const b = await addMember(t, groupId, NUMBERS.li);
    await patchMember(t, groupId, a.id, { shortCode: null });
    const res = await patchMember(t, groupId, b.id, { shortCode: '6001' });
    expect(res.statusCode).toBe(200);
  });

  it('answers 409 short_code_taken when another member holds the code', async () => {
    const groupId = await createVpnGroup(t);
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    const b = await addMember(t, groupId, NUMBERS.li, { shortCode: '6002' });
    await expectRefusedAndUnchanged(
      groupId,
      b.id,
      { shortCode: '6001' },
      { status: 409, code: 'short_code_taken' },
      '6002',
    );
  });

  it('answers 409 short_code_taken when a sub-group holds the code', async () => {
    const groupId = await createVpnGroup(t);
    await addSubgroup(t, groupId, { name: '管理层', shortCode: '8000' });
    const member = await addMember(t, groupId, NUMBERS.wang);
    await expectRefusedAndUnchanged(
      groupId,
      member.id,
      { shortCode: '8000' },
      { status: 409, code: 'short_code_taken' },
      null,
    );
  });

  it('lets the same code live in two different groups', async () => {
    const g1 = await createVpnGroup(t);
    const g2 = await createVpnGroup(t);
    await addMember(t, g1, NUMBERS.wang, { shortCode: '6001' });
    const other = await addMember(t, g2, NUMBERS.other);
    expect((await patchMember(t, g2, other.id, { shortCode: '6001' })).statusCode).toBe(200);
  });

  it.each([
    ['starts with 0', '0601'],
    ['starts with 1', '1601'],
    ['emergency number', '110'],
    ['too short', '60'],
    ['too long', '6000001'],
    ['non-digits', '60a1'],
    ['a plus sign', '+6001'],
    ['empty', ''],
    ['spaces', '60 01'],
  ])('answers 422 short_code_invalid for a code that %s, changing nothing', async (_, shortCode) => {
    const groupId = await createVpnGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    await expectRefusedAndUnchanged(
      groupId,
      member.id,
      { shortCode },
      { status: 422, code: 'short_code_invalid' },
      '6001',
    );
  });

  it('follows the group’s own plan length', async () => {
    const groupId = await createVpnGroup(t, { shortCodeLength: { min: 5, max: 5 } });
    const member = await addMember(t, groupId, NUMBERS.wang);
    await expectRefusedAndUnchanged(
      groupId,
      member.id,
      { shortCode: '6001' },
      { status: 422, code: 'short_code_invalid' },
      null,
    );
    expect((await patchMember(t, groupId, member.id, { shortCode: '60001' })).statusCode).toBe(200);
  });

  it('answers 400 for a code that is not a string or far too long', async () => {
    const groupId = await createVpnGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang);
    for (const shortCode of [6001, '6'.repeat(21), true]) {
      const res = await patchMember(t, groupId, member.id, { shortCode });
      expect(problem(res)).toMatchObject({ status: 400, code: 'validation_failed' });
    }
  });

  it('answers 422 vpn_required in a group without a VPN', async () => {
    const groupId = await createGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang);
    await expectRefusedAndUnchanged(
      groupId,
      member.id,
      { shortCode: '6001' },
      { status: 422, code: 'vpn_required' },
      null,
    );
  });

  it('answers 422 cross_province_not_allowed for a member from another province without crossProvince', async () => {
    const groupId = await createVpnGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang, { homeProvince: 'CN-BJ' });
    await expectRefusedAndUnchanged(
      groupId,
      member.id,
      { shortCode: '6001' },
      { status: 422, code: 'cross_province_not_allowed' },
      null,
    );
  });

  it('allows a member from another province when the VPN is cross-province', async () => {
    const groupId = await createVpnGroup(t, { crossProvince: true });
    const member = await addMember(t, groupId, NUMBERS.wang, { homeProvince: 'CN-BJ' });
    const res = await patchMember(t, groupId, member.id, { shortCode: '6001' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ shortCode: '6001', homeProvince: 'CN-BJ' });
  });

  it('refuses moving a code holder to another province without crossProvince, keeping every field', async () => {
    const groupId = await createVpnGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    const res = await patchMember(t, groupId, member.id, { homeProvince: 'CN-BJ', name: '新名字' });
    expect(problem(res)).toMatchObject({ status: 422, code: 'cross_province_not_allowed' });
    expect((await getMember(t, groupId, member.id)).json()).toMatchObject({
      shortCode: '6001',
      homeProvince: 'CN-HE',
      name: '成员0001',
    });
  });

  it('a refused PATCH that also changes other fields changes none of them', async () => {
    const groupId = await createVpnGroup(t);
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    const b = await addMember(t, groupId, NUMBERS.li, { shortCode: '6002', name: '李华' });
    const res = await patchMember(t, groupId, b.id, {
      shortCode: '6001',
      name: '李四',
      department: '销售部',
    });
    expect(res.statusCode).toBe(409);
    expect((await getMember(t, groupId, b.id)).json()).toMatchObject({
      shortCode: '6002',
      name: '李华',
      department: null,
    });
  });

  it('a member of another group is a 404', async () => {
    const g1 = await createVpnGroup(t);
    const g2 = await createVpnGroup(t);
    const other = await addMember(t, g2, NUMBERS.other);
    const res = await patchMember(t, g1, other.id, { shortCode: '6001' });
    expect(problem(res)).toMatchObject({ status: 404 });
  });

  it('makes a short code searchable in the member list', async () => {
    const groupId = await createVpnGroup(t);
    const member = await addMember(t, groupId, NUMBERS.wang, { shortCode: '6201' });
    await addMember(t, groupId, NUMBERS.li, { shortCode: '6202' });
    const res = await t.call({ method: 'GET', url: `/v1/groups/${groupId}/members?q=6201` });
    expect(res.json().items.map((m: { id: string }) => m.id)).toEqual([member.id]);
  });

  it('keeps codes valid after a later plan change only when they fit (see settings tests)', async () => {
    const groupId = await createVpnGroup(t);
    await addMember(t, groupId, NUMBERS.wang, { shortCode: '6001' });
    expect((await putVpn(t, groupId, { shortCodeLength: { min: 4, max: 4 } })).statusCode).toBe(200);
    const b = await addMember(t, groupId, NUMBERS.li);
    await expectRefusedAndUnchanged(
      groupId,
      b.id,
      { shortCode: '60021' },
      { status: 422, code: 'short_code_invalid' },
      null,
    );
  });
});
