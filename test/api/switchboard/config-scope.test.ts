import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerKey, createTestApp, type TestApp } from '../../helpers/app.js';
import {
  createSwitchboard,
  OTHER_PILOT,
  postSwitchboard,
  putExtension,
  putOperator,
  type Scene,
  scene,
  switchboardBody,
} from './config-fixtures.js';

/**
 * A partner key sees only its groups' switchboards: another group's is indistinguishable from
 * one that does not exist (404), on every route, before any input rule is applied.
 */
let t: TestApp;
let s: Scene;
let switchboardId: string;
let owner: string;
let stranger: string;

beforeAll(async () => {
  t = await createTestApp();
  s = await scene(t);
  switchboardId = await createSwitchboard(t, s.groupId, switchboardBody(s));
  expect((await putExtension(t, switchboardId, '8001', s.liu.id)).statusCode).toBe(201);
  expect((await putOperator(t, switchboardId, s.operator.id, 'available')).statusCode).toBe(201);
  owner = await createPartnerKey(t, [s.groupId]);
  stranger = await createPartnerKey(t, [s.otherGroupId]);
});
afterAll(async () => {
  await t.close();
});

const routes = (): Array<[HTTPMethods, string, Record<string, unknown> | undefined]> => [
  ['GET', `/v1/switchboards/${switchboardId}`, undefined],
  ['PATCH', `/v1/switchboards/${switchboardId}`, { greeting: '你好' }],
  ['PUT', `/v1/switchboards/${switchboardId}/extensions/8002`, { memberId: s.zhang.id }],
  ['DELETE', `/v1/switchboards/${switchboardId}/extensions/8001`, undefined],
  ['PUT', `/v1/switchboards/${switchboardId}/operators/${s.operator.id}`, { status: 'busy' }],
  ['DELETE', `/v1/switchboards/${switchboardId}/operators/${s.operator.id}`, undefined],
  ['GET', `/v1/switchboards/${switchboardId}/directory?q=zhanglan`, undefined],
  ['GET', `/v1/groups/${s.groupId}/switchboards`, undefined],
  ['POST', `/v1/groups/${s.groupId}/switchboards`, switchboardBody(s, { pilotNumber: OTHER_PILOT })],
  ['DELETE', `/v1/switchboards/${switchboardId}`, undefined],
];

describe('partner scope', () => {
  it("another group's partner gets a 404 on every switchboard route, and changes nothing", async () => {
    const before = (await t.call({ method: 'GET', url: `/v1/switchboards/${switchboardId}` })).json();
    for (const [method, url, payload] of routes()) {
      const res = await t.call({ method, url, key: stranger, ...(payload && { payload }) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
    expect((await t.call({ method: 'GET', url: `/v1/switchboards/${switchboardId}` })).json()).toEqual(
      before,
    );
  });

  it('an unknown switchboard is the same 404 for a partner', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/switchboards/swb_nope', key: owner });
    expect(res.statusCode).toBe(404);
  });

  it('the owning partner works on every route', async () => {
    const expected = [200, 200, 201, 204, 200, 204, 200, 200, 201, 204];
    const got: number[] = [];
    for (const [method, url, payload] of routes()) {
      got.push((await t.call({ method, url, key: owner, ...(payload && { payload }) })).statusCode);
    }
    expect(got).toEqual(expected);
  });

  it("the owning partner cannot reach into another group's members", async () => {
    const id = (await postSwitchboard(t, s.groupId, switchboardBody(s), owner)).json().id as string;
    const res = await putExtension(t, id, '8009', s.other.id, owner);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('member_outside_group');
  });
});
