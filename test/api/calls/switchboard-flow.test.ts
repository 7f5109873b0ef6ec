import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGroup,
  createMember,
  createPartnerKey,
  createTestApp,
  HEBEI_ENTERPRISE,
  T0,
  type TestApp,
} from '../../helpers/app.js';
import { act, cdrsOf, iso, newCall, setBehaviour, step, types } from './setup.js';

/**
 * The switchboard (移动总机) product scenes, end to end through the API: auto transfer by
 * extension, the operator desk with its phonebook search, after-hours greetings by the group clock,
 * retries, fallbacks, outbound masking and a restart while a call waits in the queue.
 */

const PILOT = '031166001234';
const PILOT_E164 = '+8631166001234';
const CALLER = '13912345678'; // 王明, an outside caller
const MENU = {
  prompt: '销售请按1，技术支持请按2，人工服务请按0，或直接拨分机号。',
  maxRetries: 2,
  options: {
    '1': { action: 'extension', extension: '8001' },
    '2': {
      action: 'submenu',
      menu: {
        prompt: '产品咨询请按1，返回人工请按9。',
        options: { '1': { action: 'extension', extension: '8002' }, '9': { action: 'operator' } },
      },
    },
  },
};

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function office(tt: TestApp, overrides: Record<string, unknown> = {}) {
  const groupId = await createGroup(tt);
  const zhang = await createMember(tt, groupId, {
    msisdn: '13803110003',
    name: '张兰',
    department: '信息中心',
  });
  const liu = await createMember(tt, groupId, { msisdn: '13803110004', name: '刘强', department: '销售部' });
  const operator = await createMember(tt, groupId, {
    msisdn: '13803110009',
    name: '赵敏',
    department: '总机',
  });
  const created = await tt.call({
    method: 'POST',
    url: `/v1/groups/${groupId}/switchboards`,
    payload: {
      pilotNumber: PILOT,
      greeting: '欢迎致电华北电力。',
      afterHoursGreeting: '现在是非工作时间。',
      businessHours: { weekdays: [1, 2, 3, 4, 5], start: '08:30', end: '17:30' },
      menu: MENU,
      outboundPrefix: '9',
      ...overrides,
    },
  });
  if (created.statusCode !== 201) throw new Error(`switchboard: ${created.body}`);
  const switchboardId = created.json().id as string;
  for (const [extension, memberId] of [
    ['8001', liu.id],
    ['8002', zhang.id],
  ] as const) {
    const res = await tt.call({
      method: 'PUT',
      url: `/v1/switchboards/${switchboardId}/extensions/${extension}`,
      payload: { memberId },
    });
    if (res.statusCode !== 201) throw new Error(`extension: ${res.body}`);
  }
  const duty = await tt.call({
    method: 'PUT',
    url: `/v1/switchboards/${switchboardId}/operators/${operator.id}`,
    payload: { status: 'available' },
  });
  if (duty.statusCode !== 201) throw new Error(`operator: ${duty.body}`);
  return { groupId, switchboardId, zhang, liu, operator };
}

const queueOf = async (switchboardId: string) =>
  (await t.call({ method: 'GET', url: `/v1/switchboards/${switchboardId}/queue` })).json();

describe('scene 1: auto transfer (自动转接)', () => {
  it('the caller dials the pilot, hears the welcome, dials an extension and is connected', async () => {
    const { switchboardId, liu, groupId } = await office(t);
    const call = await newCall(t, { from: CALLER, to: PILOT, at: '2026-11-24T10:00:00+08:00' });
    expect(call).toMatchObject({
      state: 'in_ivr',
      callType: 'switchboard_inbound',
      switchboardId,
      target: { msisdn: PILOT_E164, groupId },
    });
    expect(
      call.events.filter((e) => e.type === 'greeting' || e.type === 'prompt').map((e) => e.text),
    ).toEqual(['欢迎致电华北电力。', MENU.prompt]);
    const ringing = await step(t, call.id, {
      action: 'dtmf',
      digits: '8001',
      at: '2026-11-24T10:00:08+08:00',
    });
    expect(ringing).toMatchObject({
      state: 'ringing',
      target: { memberId: liu.id, msisdn: '+8613803110004' },
    });
    expect(ringing.events.at(-1)).toMatchObject({ type: 'ringing', extension: '8001', memberId: liu.id });
    const connected = await step(t, call.id, { action: 'answer', at: '2026-11-24T10:00:12+08:00' });
    expect(connected.state).toBe('connected');
    const ended = await step(t, call.id, { action: 'hangup', at: '2026-11-24T10:02:00+08:00' });
    // The IVR answered at 10:00:00: 120 s at the switchboard inbound rate (15 fen), 2 minutes.
    expect((await cdrsOf(t))[0]).toMatchObject({
      callId: ended.id,
      groupId,
      callType: 'switchboard_inbound',
      billableSeconds: 120,
      tariffClass: 'switchboard_inbound',
      chargeFen: 30,
    });
  });

  it('a menu option and a submenu reach their extensions', async () => {
    const { zhang, liu } = await office(t);
    const one = await newCall(t, { from: CALLER, to: PILOT });
    expect((await step(t, one.id, { action: 'dtmf', digits: '1' })).target?.memberId).toBe(liu.id);
    const two = await newCall(t, { from: CALLER, to: PILOT });
    const sub = await step(t, two.id, { action: 'dtmf', digits: '2' });
    expect(sub.state).toBe('in_ivr');
    expect(sub.events.at(-1)).toMatchObject({ type: 'prompt', text: '产品咨询请按1，返回人工请按9。' });
    expect((await step(t, two.id, { action: 'dtmf', digits: '1' })).target?.memberId).toBe(zhang.id);
  });
});

describe('scene 2: the operator desk (人工话务台)', () => {
  it('王明 asks for 张兰 of 信息中心; the operator finds her by pinyin and transfers', async () => {
    const { switchboardId, zhang, operator } = await office(t);
    const call = await newCall(t, { from: CALLER, to: PILOT, at: iso(T0) });
    const queued = await step(t, call.id, { action: 'dtmf', digits: '0', at: iso(T0 + 6_000) });
    expect(queued.state).toBe('queued');
    expect(queued.events.at(-1)).toMatchObject({ type: 'queued', operatorsAvailable: 1 });

    const queue = await queueOf(switchboardId);
    expect(queue.items.map((c: { id: string }) => c.id)).toEqual([call.id]);
    expect(queue.operators).toEqual([{ memberId: operator.id, name: '赵敏', status: 'available' }]);

    const found = await t.call({
      method: 'GET',
      url: `/v1/switchboards/${switchboardId}/directory?q=zhanglan`,
    });
    expect(found.statusCode).toBe(200);
    const hit = found.json().items[0];
    expect(hit).toMatchObject({ memberId: zhang.id, name: '张兰', department: '信息中心' });

    const ringing = await step(t, call.id, {
      action: 'transfer',
      target: { memberId: hit.memberId },
      at: iso(T0 + 30_000),
    });
    expect(ringing).toMatchObject({ state: 'ringing', target: { memberId: zhang.id } });
    expect(ringing.events.at(-2)).toMatchObject({ type: 'transferred', by: 'operator', memberId: zhang.id });
    expect((await queueOf(switchboardId)).items).toEqual([]);
    await step(t, call.id, { action: 'answer', at: iso(T0 + 35_000) });
    await step(t, call.id, { action: 'hangup', at: iso(T0 + 95_000) });
    expect(await cdrsOf(t)).toHaveLength(1);
  });

  it('transfer by extension; a bad target is a 422 that leaves the call queued', async () => {
    const { switchboardId, liu } = await office(t);
    const call = await newCall(t, { from: CALLER, to: PILOT });
    await step(t, call.id, { action: 'dtmf', digits: '0' });
    const bad = await act(t, call.id, { action: 'transfer', target: { extension: '8999' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({
      code: 'transfer_target_invalid',
      errors: [{ path: 'body.target.extension' }],
    });
    expect((await queueOf(switchboardId)).items).toHaveLength(1);
    const ok = await step(t, call.id, { action: 'transfer', target: { extension: '8001' } });
    expect(ok.target?.memberId).toBe(liu.id);
  });

  it('the queue is oldest first and shows offline operators too', async () => {
    const { switchboardId, operator } = await office(t);
    await t.call({
      method: 'PUT',
      url: `/v1/switchboards/${switchboardId}/operators/${operator.id}`,
      payload: { status: 'offline' },
    });
    const first = await newCall(t, { from: CALLER, to: PILOT, at: iso(T0) });
    const second = await newCall(t, { from: '13912345679', to: PILOT, at: iso(T0) });
    await step(t, second.id, { action: 'dtmf', digits: '0', at: iso(T0 + 1_000) });
    const held = await step(t, first.id, { action: 'dtmf', digits: '0', at: iso(T0 + 2_000) });
    expect(held.events.at(-1)).toMatchObject({ type: 'queued', operatorsAvailable: 0 });
    expect(held.events.at(-1)?.text).toContain('busy');
    const queue = await queueOf(switchboardId);
    expect(queue.items.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
    expect(queue.operators[0]).toMatchObject({ status: 'offline' });
  });
});

describe('greetings, retries and fallbacks', () => {
  it('after hours by the group clock: the after-hours greeting plays and the menu still works', async () => {
    const { liu } = await office(t);
    const evening = await newCall(t, { from: CALLER, to: PILOT, at: '2026-11-24T19:00:00+08:00' });
    expect(evening.events.find((e) => e.type === 'greeting')).toMatchObject({
      text: '现在是非工作时间。',
      afterHours: true,
    });
    expect((await step(t, evening.id, { action: 'dtmf', digits: '8001' })).target?.memberId).toBe(liu.id);
    const saturday = await newCall(t, { from: CALLER, to: PILOT, at: '2026-11-28T10:00:00+08:00' });
    expect(saturday.events.find((e) => e.type === 'greeting')).toMatchObject({ afterHours: true });
    // 01:00 UTC is 09:00 in Shanghai: open.
    const morning = await newCall(t, { from: CALLER, to: PILOT, at: '2026-11-24T01:00:00Z' });
    expect(morning.events.find((e) => e.type === 'greeting')).toMatchObject({
      text: '欢迎致电华北电力。',
      afterHours: false,
    });
  });

  it('invalid input and timeouts replay the prompt maxRetries times, then the operator desk', async () => {
    const { switchboardId } = await office(t);
    const call = await newCall(t, { from: CALLER, to: PILOT });
    const first = await step(t, call.id, { action: 'dtmf', digits: '7' });
    expect(first.state).toBe('in_ivr');
    expect(types(first).slice(-3)).toEqual(['dtmf', 'invalid_input', 'prompt']);
    const second = await step(t, call.id, { action: 'timeout' });
    expect(types(second).slice(-3)).toEqual(['timeout', 'invalid_input', 'prompt']);
    const third = await step(t, call.id, { action: 'dtmf', digits: '5555' });
    expect(third.state).toBe('queued');
    expect(third.events.filter((e) => e.type === 'prompt')).toHaveLength(3);
    expect((await queueOf(switchboardId)).items).toHaveLength(1);
  });

  it.each(['busy', 'no_answer', 'reject'])(
    'an extension that answers %s falls back to the operator desk',
    async (response) => {
      const { switchboardId } = await office(t);
      const call = await newCall(t, { from: CALLER, to: PILOT });
      await step(t, call.id, { action: 'dtmf', digits: '8001' });
      const after = await step(t, call.id, { action: response });
      expect(after.state).toBe('queued');
      expect(after.events.find((e) => e.type === 'fallback')).toMatchObject({ to: 'operator' });
      expect((await queueOf(switchboardId)).items).toHaveLength(1);
    },
  );

  it('with fallback hangup, a busy extension (a simulated subscriber) ends the call', async () => {
    await office(t, { fallback: 'hangup' });
    await setBehaviour(t, '13803110004', 'busy');
    const call = await newCall(t, { from: CALLER, to: PILOT });
    const ended = await step(t, call.id, { action: 'dtmf', digits: '8001' });
    expect(ended.state).toBe('ended');
    expect(types(ended).slice(-4)).toEqual(['busy', 'announcement', 'fallback', 'ended']);
    expect(await cdrsOf(t)).toHaveLength(1);
  });

  it('actions the IVR does not take are 409', async () => {
    await office(t);
    const call = await newCall(t, { from: CALLER, to: PILOT });
    for (const action of ['answer', 'busy']) {
      const res = await act(t, call.id, { action });
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toContain('in_ivr');
    }
    const transfer = await act(t, call.id, { action: 'transfer', target: { extension: '8001' } });
    expect(transfer.statusCode).toBe(409);
  });
});

describe('outbound through the switchboard (电话外呼)', () => {
  it('an extension member dialling the prefix calls out with the pilot presented', async () => {
    const { groupId } = await office(t);
    const call = await newCall(t, { from: '13803110004', to: '901012345678' });
    expect(call).toMatchObject({
      state: 'ringing',
      callType: 'switchboard_outbound',
      presentedCallerId: PILOT_E164,
      target: { msisdn: '+861012345678' },
    });
    await step(t, call.id, { action: 'answer' });
    await step(t, call.id, { action: 'hangup' });
    expect((await cdrsOf(t))[0]).toMatchObject({
      groupId,
      presentedCallerId: PILOT_E164,
      tariffClass: 'switchboard_outbound',
    });
    // A member without an extension dialling the same digits goes off-net as dialled.
    const plain = await newCall(t, { from: '13803110009', to: '901012345678' });
    expect(plain.callType).toBe('offnet');
  });
});

describe('scope and lifecycle', () => {
  it('a partner of another group sees neither the queue nor the calls; deleting a busy switchboard is a 409', async () => {
    const { switchboardId, groupId } = await office(t);
    const other = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '别的公司' });
    const stranger = await createPartnerKey(t, [other]);
    const owner = await createPartnerKey(t, [groupId]);
    const call = await newCall(t, { from: CALLER, to: PILOT });
    await step(t, call.id, { action: 'dtmf', digits: '0' });
    expect(
      (await t.call({ method: 'GET', url: `/v1/switchboards/${switchboardId}/queue`, key: stranger }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.call({ method: 'GET', url: `/v1/switchboards/${switchboardId}/queue`, key: owner }))
        .statusCode,
    ).toBe(200);
    expect(
      (await act(t, call.id, { action: 'transfer', target: { extension: '8001' } }, stranger)).statusCode,
    ).toBe(404);
    expect(
      (await act(t, call.id, { action: 'transfer', target: { extension: '8001' } }, owner)).statusCode,
    ).toBe(200);
    const busy = await t.call({ method: 'DELETE', url: `/v1/switchboards/${switchboardId}` });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('switchboard_in_use');
    await step(t, call.id, { action: 'hangup' });
    expect((await t.call({ method: 'DELETE', url: `/v1/switchboards/${switchboardId}` })).statusCode).toBe(
      204,
    );
  });
});

describe('restart in the middle of a call', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-restart-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a queued call is still queued after a restart and the operator can transfer it', async () => {
    await t.close();
    t = await createTestApp({ dataDir });
    const { switchboardId, zhang } = await office(t);
    const call = await newCall(t, { from: CALLER, to: PILOT });
    await step(t, call.id, { action: 'dtmf', digits: '2' });
    await t.close();

    t = await createTestApp({ dataDir });
    const inMenu = (await t.call({ method: 'GET', url: `/v1/calls/${call.id}` })).json();
    expect(inMenu.state).toBe('in_ivr');
    // Still in the submenu: 9 is its operator option.
    const queued = await step(t, call.id, { action: 'dtmf', digits: '9' });
    expect(queued.state).toBe('queued');
    await t.close();

    t = await createTestApp({ dataDir });
    expect((await queueOf(switchboardId)).items.map((c: { id: string }) => c.id)).toEqual([call.id]);
    const ringing = await step(t, call.id, { action: 'transfer', target: { extension: '8002' } });
    expect(ringing.target?.memberId).toBe(zhang.id);
    await step(t, call.id, { action: 'hangup' });
    expect(await cdrsOf(t)).toHaveLength(1);
  });
});

describe('numbers a member may not take', () => {
  it('a mobile pilot number is refused as a member MSISDN (409 msisdn_taken)', async () => {
    const { groupId } = await office(t, { pilotNumber: '13812340000' });
    const res = await t.call({
      method: 'POST',
      url: `/v1/groups/${groupId}/members`,
      payload: { msisdn: '+8613812340000', name: '冒名' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'msisdn_taken', errors: [{ path: 'body.msisdn' }] });
  });
});
