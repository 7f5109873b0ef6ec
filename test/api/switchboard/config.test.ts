import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSwitchboardService } from '../../../src/services/switchboards.js';
import { createDirectoryWriter } from '../../../src/store/routing-directory/index.js';
import { createMember, createTestApp, T0, type TestApp } from '../../helpers/app.js';
import {
  createSwitchboard,
  e164,
  getSwitchboard,
  menuWith,
  NUMBERS,
  OTHER_PILOT,
  OTHER_PILOT_E164,
  PILOT,
  PILOT_E164,
  patchSwitchboard,
  postSwitchboard,
  problem,
  putExtension,
  putOperator,
  type Scene,
  scene,
  switchboardBody,
} from './config-fixtures.js';

let t: TestApp;
let s: Scene;
beforeEach(async () => {
  t = await createTestApp();
  s = await scene(t);
});
afterEach(async () => {
  await t.close();
});

const MINUTE = 60_000;

describe('switchboard CRUD', () => {
  it('POST creates it with the pilot in E.164 and answers the full view; GET answers the same', async () => {
    const res = await postSwitchboard(t, s.groupId, switchboardBody(s));
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({
      id: expect.stringMatching(/^swb_/),
      groupId: s.groupId,
      pilotNumber: PILOT_E164,
      greeting: '欢迎致电河北华北电力设备有限公司。',
      afterHoursGreeting: '现在是非工作时间，请在工作日 8:30 至 17:30 来电。',
      businessHours: { weekdays: [1, 2, 3, 4, 5], start: '08:30', end: '17:30' },
      menu: menuWith(s.wang.id),
      outboundPrefix: '9',
      fallback: 'operator',
      extensions: [],
      operators: [],
      createdAt: new Date(T0).toISOString(),
      updatedAt: new Date(T0).toISOString(),
    });
    const got = await getSwitchboard(t, created.id);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(created);
  });

  it('takes the minimum: pilot, greeting and menu; the rest defaults', async () => {
    const res = await postSwitchboard(t, s.groupId, {
      pilotNumber: '+86 311 8800 0000',
      greeting: '您好',
      menu: { prompt: '请拨分机号，查号请按0', options: {} },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      pilotNumber: PILOT_E164,
      afterHoursGreeting: null,
      businessHours: null,
      outboundPrefix: null,
      fallback: 'operator',
      menu: { prompt: '请拨分机号，查号请按0', options: {} },
    });
  });

  it('allows a mobile pilot and a menu nested five deep', async () => {
    let menu: Record<string, unknown> = { prompt: '5', options: { '0': { action: 'operator' } } };
    for (let depth = 4; depth >= 0; depth--)
      menu = { prompt: `${depth}`, options: { '#': { action: 'submenu', menu } } };
    const res = await postSwitchboard(t, s.groupId, { pilotNumber: '13900001111', greeting: '您好', menu });
    expect(res.statusCode).toBe(201);
    expect(res.json().pilotNumber).toBe('+8613900001111');
  });

  it('lists the group’s switchboards with cursor pages', async () => {
    const first = await createSwitchboard(t, s.groupId, switchboardBody(s));
    const second = await createSwitchboard(t, s.groupId, switchboardBody(s, { pilotNumber: OTHER_PILOT }));
    await createSwitchboard(
      t,
      s.otherGroupId,
      switchboardBody(s, { pilotNumber: '0311-88000002', menu: { prompt: 'p', options: {} } }),
    );
    const page1 = await t.call({ method: 'GET', url: `/v1/groups/${s.groupId}/switchboards?limit=1` });
    expect(page1.statusCode).toBe(200);
    expect(page1.json().items.map((x: { id: string }) => x.id)).toEqual([first]);
    expect(page1.json().nextCursor).toBe(first);
    const page2 = await t.call({
      method: 'GET',
      url: `/v1/groups/${s.groupId}/switchboards?limit=1&cursor=${page1.json().nextCursor}`,
    });
    expect(page2.json()).toEqual({ items: [expect.objectContaining({ id: second })], nextCursor: null });
  });

  it('PATCH changes only what it names; nullable fields clear with null', async () => {
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    t.clock.advanceTo(T0 + MINUTE);
    const greeting = await patchSwitchboard(t, id, { greeting: '新年好，欢迎致电。', fallback: 'hangup' });
    expect(greeting.statusCode).toBe(200);
    expect(greeting.json()).toMatchObject({
      greeting: '新年好，欢迎致电。',
      fallback: 'hangup',
      pilotNumber: PILOT_E164,
      outboundPrefix: '9',
      businessHours: { weekdays: [1, 2, 3, 4, 5], start: '08:30', end: '17:30' },
      menu: menuWith(s.wang.id),
      createdAt: new Date(T0).toISOString(),
      updatedAt: new Date(T0 + MINUTE).toISOString(),
    });

    const cleared = await patchSwitchboard(t, id, {
      afterHoursGreeting: null,
      businessHours: null,
      outboundPrefix: null,
    });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({
      afterHoursGreeting: null,
      businessHours: null,
      outboundPrefix: null,
    });

    const moved = await patchSwitchboard(t, id, {
      pilotNumber: OTHER_PILOT,
      businessHours: { weekdays: [6, 7, 6 + 0], start: '22:00', end: '06:00' },
      menu: { prompt: '夜间服务', options: { '9': { action: 'operator' } }, maxRetries: 0 },
    });
    // weekdays must not repeat: a 400, nothing changed
    expect(problem(moved)).toEqual({
      status: 400,
      code: 'validation_failed',
      paths: ['body.businessHours.weekdays'],
    });
    const ok = await patchSwitchboard(t, id, {
      pilotNumber: OTHER_PILOT,
      businessHours: { weekdays: [7, 6], start: '22:00', end: '06:00' },
      menu: { prompt: '夜间服务', options: { '9': { action: 'operator' } }, maxRetries: 0 },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      pilotNumber: OTHER_PILOT_E164,
      businessHours: { weekdays: [6, 7], start: '22:00', end: '06:00' },
      menu: { prompt: '夜间服务', options: { '9': { action: 'operator' } }, maxRetries: 0 },
    });
    expect((await getSwitchboard(t, id)).json()).toEqual(ok.json());
    // An empty PATCH changes nothing but the time.
    expect((await patchSwitchboard(t, id, {})).statusCode).toBe(200);
  });

  it('DELETE answers 204; then it is gone and its pilot is free again', async () => {
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    expect((await putExtension(t, id, '8001', s.liu.id)).statusCode).toBe(201);
    expect((await putOperator(t, id, s.operator.id, 'available')).statusCode).toBe(201);
    const res = await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(problem(await getSwitchboard(t, id))).toMatchObject({ status: 404, code: 'not_found' });
    expect(problem(await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}` })).status).toBe(404);
    const list = await t.call({ method: 'GET', url: `/v1/groups/${s.groupId}/switchboards` });
    expect(list.json()).toEqual({ items: [], nextCursor: null });
    expect((await postSwitchboard(t, s.groupId, switchboardBody(s))).statusCode).toBe(201);
  });
});

describe('extensions (分机)', () => {
  let id: string;
  beforeEach(async () => {
    id = await createSwitchboard(t, s.groupId, switchboardBody(s));
  });

  it('PUT gives an extension: 201 when new, 200 when it changes hands; the view lists them in dialling order', async () => {
    const first = await putExtension(t, id, '8001', s.liu.id);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ switchboardId: id, extension: '8001', memberId: s.liu.id });
    expect((await putExtension(t, id, '8001', s.liu.id)).statusCode).toBe(200);
    const replaced = await putExtension(t, id, '8001', s.zhang.id);
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toEqual({ switchboardId: id, extension: '8001', memberId: s.zhang.id });
    // One member may hold several.
    expect((await putExtension(t, id, '10', s.zhang.id)).statusCode).toBe(201);
    expect((await putExtension(t, id, '12345678', s.wang.id)).statusCode).toBe(201);
    expect((await getSwitchboard(t, id)).json().extensions).toEqual([
      { extension: '10', memberId: s.zhang.id },
      { extension: '8001', memberId: s.zhang.id },
      { extension: '12345678', memberId: s.wang.id },
    ]);
  });

  it('DELETE frees it: 204, then 404 for an extension no one holds', async () => {
    await putExtension(t, id, '8001', s.liu.id);
    expect(
      (await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/extensions/8001` })).statusCode,
    ).toBe(204);
    expect((await getSwitchboard(t, id)).json().extensions).toEqual([]);
    const again = await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/extensions/8001` });
    expect(problem(again)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it.each(['0', '1', '0800', '08', '123456789', '12a', '%2B123'])(
    'refuses the extension %s (400 at params.extension)',
    async (extension) => {
      const res = await putExtension(t, id, extension, s.liu.id);
      expect(problem(res)).toEqual({ status: 400, code: 'validation_failed', paths: ['params.extension'] });
      const del = await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/extensions/${extension}` });
      expect(problem(del).status).toBe(400);
    },
  );

  it('refuses a member of another group, or no member at all (422 member_outside_group at body.memberId)', async () => {
    for (const memberId of [s.other.id, 'mem_nobody']) {
      const res = await putExtension(t, id, '8001', memberId);
      expect(problem(res)).toEqual({ status: 422, code: 'member_outside_group', paths: ['body.memberId'] });
    }
    expect(problem(await putExtension(t, id, '8001', '')).status).toBe(400);
    expect((await getSwitchboard(t, id)).json().extensions).toEqual([]);
  });
});

describe('operators (人工话务台)', () => {
  let id: string;
  beforeEach(async () => {
    id = await createSwitchboard(t, s.groupId, switchboardBody(s));
  });

  it('PUT seats a member (201) and changes their status (200); DELETE unseats them', async () => {
    const seated = await putOperator(t, id, s.operator.id, 'available');
    expect(seated.statusCode).toBe(201);
    expect(seated.json()).toEqual({
      switchboardId: id,
      memberId: s.operator.id,
      name: '赵敏',
      status: 'available',
      updatedAt: new Date(T0).toISOString(),
    });
    t.clock.advanceTo(T0 + MINUTE);
    const busy = await putOperator(t, id, s.operator.id, 'busy');
    expect(busy.statusCode).toBe(200);
    expect(busy.json()).toMatchObject({ status: 'busy', updatedAt: new Date(T0 + MINUTE).toISOString() });
    expect((await putOperator(t, id, s.wang.id, 'offline')).statusCode).toBe(201);
    expect((await getSwitchboard(t, id)).json().operators).toEqual(
      [
        { memberId: s.wang.id, name: '王明', status: 'offline' },
        { memberId: s.operator.id, name: '赵敏', status: 'busy' },
      ].sort((a, b) => (a.memberId < b.memberId ? -1 : 1)),
    );

    const off = await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/operators/${s.wang.id}` });
    expect(off.statusCode).toBe(204);
    const again = await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/operators/${s.wang.id}` });
    expect(problem(again)).toMatchObject({ status: 404, code: 'not_found' });
    expect((await getSwitchboard(t, id)).json().operators).toEqual([
      { memberId: s.operator.id, name: '赵敏', status: 'busy' },
    ]);
  });

  it('refuses an unknown status (400) and a member outside the group (422 at params.memberId)', async () => {
    expect(problem(await putOperator(t, id, s.operator.id, 'away'))).toEqual({
      status: 400,
      code: 'validation_failed',
      paths: ['body.status'],
    });
    for (const memberId of [s.other.id, 'mem_nobody']) {
      expect(problem(await putOperator(t, id, memberId, 'available'))).toEqual({
        status: 422,
        code: 'member_outside_group',
        paths: ['params.memberId'],
      });
    }
  });
});

describe('400: malformed configuration, with the field named', () => {
  const cases: Array<[string, (body: Record<string, unknown>) => Record<string, unknown>, string]> = [
    ['a pilot that is no number', (b) => ({ ...b, pilotNumber: '12345' }), 'body.pilotNumber'],
    ['a pilot with letters', (b) => ({ ...b, pilotNumber: '0311-CALLNOW' }), 'body.pilotNumber'],
    ['no pilot', ({ pilotNumber: _, ...b }) => b, 'body.pilotNumber'],
    ['an empty greeting', (b) => ({ ...b, greeting: '  ' }), 'body.greeting'],
    ['a greeting over 500 characters', (b) => ({ ...b, greeting: '欢'.repeat(501) }), 'body.greeting'],
    ['an empty after-hours greeting', (b) => ({ ...b, afterHoursGreeting: '' }), 'body.afterHoursGreeting'],
    ['no menu', ({ menu: _, ...b }) => b, 'body.menu'],
    ['an empty prompt', (b) => ({ ...b, menu: { prompt: '', options: {} } }), 'body.menu.prompt'],
    [
      'a prompt over 500 characters',
      (b) => ({ ...b, menu: { prompt: 'x'.repeat(501), options: {} } }),
      'body.menu.prompt',
    ],
    [
      'maxRetries 6',
      (b) => ({ ...b, menu: { prompt: 'p', options: {}, maxRetries: 6 } }),
      'body.menu.maxRetries',
    ],
    [
      'maxRetries -1',
      (b) => ({ ...b, menu: { prompt: 'p', options: {}, maxRetries: -1 } }),
      'body.menu.maxRetries',
    ],
    [
      'maxRetries 1.5',
      (b) => ({ ...b, menu: { prompt: 'p', options: {}, maxRetries: 1.5 } }),
      'body.menu.maxRetries',
    ],
    [
      'a two-digit key',
      (b) => ({ ...b, menu: { prompt: 'p', options: { '10': { action: 'operator' } } } }),
      'body.menu.options.10',
    ],
    [
      'a letter key',
      (b) => ({ ...b, menu: { prompt: 'p', options: { a: { action: 'operator' } } } }),
      'body.menu.options.a',
    ],
    [
      'an unknown action',
      (b) => ({ ...b, menu: { prompt: 'p', options: { '1': { action: 'voicemail' } } } }),
      'body.menu.options.1.action',
    ],
    [
      'an extension option starting with 0',
      (b) => ({ ...b, menu: { prompt: 'p', options: { '1': { action: 'extension', extension: '0801' } } } }),
      'body.menu.options.1.extension',
    ],
    [
      'a one-digit extension option',
      (b) => ({ ...b, menu: { prompt: 'p', options: { '1': { action: 'extension', extension: '8' } } } }),
      'body.menu.options.1.extension',
    ],
    [
      'a member option without memberId',
      (b) => ({ ...b, menu: { prompt: 'p', options: { '2': { action: 'member' } } } }),
      'body.menu.options.2.memberId',
    ],
    [
      'a bad key inside a submenu',
      (b) => ({
        ...b,
        menu: {
          prompt: 'p',
          options: {
            '3': { action: 'submenu', menu: { prompt: 'q', options: { '*9': { action: 'operator' } } } },
          },
        },
      }),
      'body.menu.options.3.menu.options.*9',
    ],
    [
      'no weekdays',
      (b) => ({ ...b, businessHours: { weekdays: [], start: '08:30', end: '17:30' } }),
      'body.businessHours.weekdays',
    ],
    [
      'weekday 8',
      (b) => ({ ...b, businessHours: { weekdays: [1, 8], start: '08:30', end: '17:30' } }),
      'body.businessHours.weekdays.1',
    ],
    [
      'weekday 0',
      (b) => ({ ...b, businessHours: { weekdays: [0], start: '08:30', end: '17:30' } }),
      'body.businessHours.weekdays.0',
    ],
    [
      'a repeated weekday',
      (b) => ({ ...b, businessHours: { weekdays: [1, 1], start: '08:30', end: '17:30' } }),
      'body.businessHours.weekdays',
    ],
    [
      'start 24:00',
      (b) => ({ ...b, businessHours: { weekdays: [1], start: '24:00', end: '17:30' } }),
      'body.businessHours.start',
    ],
    [
      'end 8:30',
      (b) => ({ ...b, businessHours: { weekdays: [1], start: '07:00', end: '8:30' } }),
      'body.businessHours.end',
    ],
    ['an outbound prefix of five keys', (b) => ({ ...b, outboundPrefix: '90000' }), 'body.outboundPrefix'],
    ['an outbound prefix with a plus', (b) => ({ ...b, outboundPrefix: '+9' }), 'body.outboundPrefix'],
    ['an empty outbound prefix', (b) => ({ ...b, outboundPrefix: '' }), 'body.outboundPrefix'],
    ['fallback voicemail', (b) => ({ ...b, fallback: 'voicemail' }), 'body.fallback'],
  ];

  it.each(cases)('POST with %s → 400 at %s', async (_, change, path) => {
    const res = await postSwitchboard(t, s.groupId, change(switchboardBody(s)));
    const p = problem(res);
    expect(p.status).toBe(400);
    expect(p.code).toBe('validation_failed');
    expect(p.paths).toContain(path);
    const list = await t.call({ method: 'GET', url: `/v1/groups/${s.groupId}/switchboards` });
    expect(list.json().items).toEqual([]);
  });

  it('a menu nested six deep is a 400 at the sixth submenu', async () => {
    let menu: Record<string, unknown> = { prompt: '6', options: {} };
    for (let depth = 5; depth >= 0; depth--)
      menu = { prompt: `${depth}`, options: { '1': { action: 'submenu', menu } } };
    const res = await postSwitchboard(t, s.groupId, { ...switchboardBody(s), menu });
    expect(problem(res)).toEqual({
      status: 400,
      code: 'validation_failed',
      paths: [`body.menu${'.options.1.menu'.repeat(6)}`],
    });
  });

  it('a menu nested as deep as a 1 MiB body allows is still a plain 400', async () => {
    const depth = 15_000;
    const menu = `${'{"prompt":"x","options":{"1":{"action":"submenu","menu":'.repeat(depth)}{"prompt":"x","options":{}}${'}}}'.repeat(depth)}`;
    const body = `{"pilotNumber":"${PILOT}","greeting":"hi","menu":${menu}}`;
    const res = await t.call({
      method: 'POST',
      url: `/v1/groups/${s.groupId}/switchboards`,
      payload: body,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'deep' },
    });
    expect(problem(res)).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  it('PATCH is checked the same way, and null is refused where a value is required', async () => {
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    for (const [body, path] of [
      [{ pilotNumber: 'not a number' }, 'body.pilotNumber'],
      [{ pilotNumber: null }, 'body.pilotNumber'],
      [{ greeting: null }, 'body.greeting'],
      [{ menu: null }, 'body.menu'],
      [{ fallback: null }, 'body.fallback'],
      [{ outboundPrefix: '9a' }, 'body.outboundPrefix'],
    ] as const) {
      expect(problem(await patchSwitchboard(t, id, body))).toEqual({
        status: 400,
        code: 'validation_failed',
        paths: [path],
      });
    }
  });
});

describe('422: domain rules', () => {
  it('business hours with start equal to end → switchboard_invalid at body.businessHours.end (POST and PATCH)', async () => {
    const hours = { weekdays: [1, 2, 3], start: '09:00', end: '09:00' };
    const res = await postSwitchboard(t, s.groupId, switchboardBody(s, { businessHours: hours }));
    expect(problem(res)).toEqual({
      status: 422,
      code: 'switchboard_invalid',
      paths: ['body.businessHours.end'],
    });
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    const patched = await patchSwitchboard(t, id, { businessHours: hours });
    expect(problem(patched)).toEqual({
      status: 422,
      code: 'switchboard_invalid',
      paths: ['body.businessHours.end'],
    });
    expect((await getSwitchboard(t, id)).json().businessHours).toEqual({
      weekdays: [1, 2, 3, 4, 5],
      start: '08:30',
      end: '17:30',
    });
  });

  it('a member option for someone outside the group → member_outside_group naming the option', async () => {
    const menu = {
      prompt: 'p',
      options: {
        '2': { action: 'member', memberId: s.wang.id },
        '3': { action: 'member', memberId: s.other.id },
        '4': {
          action: 'submenu',
          menu: { prompt: 'q', options: { '#': { action: 'member', memberId: 'mem_nobody' } } },
        },
      },
    };
    const res = await postSwitchboard(t, s.groupId, switchboardBody(s, { menu }));
    expect(problem(res)).toEqual({
      status: 422,
      code: 'member_outside_group',
      paths: ['body.menu.options.3.memberId', 'body.menu.options.4.menu.options.#.memberId'],
    });
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    expect(problem(await patchSwitchboard(t, id, { menu }))).toMatchObject({
      status: 422,
      code: 'member_outside_group',
    });
  });

  it('both kinds at once → switchboard_invalid listing every field', async () => {
    const res = await postSwitchboard(
      t,
      s.groupId,
      switchboardBody(s, {
        businessHours: { weekdays: [1], start: '09:00', end: '09:00' },
        menu: { prompt: 'p', options: { '3': { action: 'member', memberId: s.other.id } } },
      }),
    );
    expect(problem(res)).toEqual({
      status: 422,
      code: 'switchboard_invalid',
      paths: ['body.businessHours.end', 'body.menu.options.3.memberId'],
    });
  });
});

describe('409: the pilot number must reach the switchboard', () => {
  it('is unique across the service, whatever the form it is written in', async () => {
    await createSwitchboard(t, s.groupId, switchboardBody(s));
    for (const [groupId, pilotNumber] of [
      [s.groupId, PILOT],
      [s.otherGroupId, '+86 311 8800 0000'],
      [s.otherGroupId, '8631188000000'],
    ] as const) {
      const res = await postSwitchboard(t, groupId, {
        pilotNumber,
        greeting: 'hi',
        menu: { prompt: 'p', options: {} },
      });
      expect(problem(res)).toEqual({ status: 409, code: 'pilot_number_taken', paths: ['body.pilotNumber'] });
    }
  });

  it("refuses a member's MSISDN, of any group", async () => {
    for (const pilotNumber of [NUMBERS.wang, e164(NUMBERS.other)]) {
      const res = await postSwitchboard(t, s.groupId, switchboardBody(s, { pilotNumber }));
      expect(problem(res)).toEqual({ status: 409, code: 'pilot_number_taken', paths: ['body.pilotNumber'] });
    }
  });

  it('PATCH onto another pilot is a 409; onto its own is fine', async () => {
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    await createSwitchboard(t, s.groupId, switchboardBody(s, { pilotNumber: OTHER_PILOT }));
    expect(problem(await patchSwitchboard(t, id, { pilotNumber: OTHER_PILOT }))).toEqual({
      status: 409,
      code: 'pilot_number_taken',
      paths: ['body.pilotNumber'],
    });
    expect(problem(await patchSwitchboard(t, id, { pilotNumber: NUMBERS.zhang })).code).toBe(
      'pilot_number_taken',
    );
    expect((await patchSwitchboard(t, id, { pilotNumber: PILOT_E164 })).statusCode).toBe(200);
    expect((await getSwitchboard(t, id)).json().pilotNumber).toBe(PILOT_E164);
  });
});

it('409 pilot_number_taken for the conference access number', async () => {
  const c = await createTestApp({ conferenceAccessNumber: '031166660000' });
  try {
    const groupId = (await scene(c)).groupId;
    const res = await postSwitchboard(c, groupId, {
      pilotNumber: '+86 311 6666 0000',
      greeting: 'hi',
      menu: { prompt: 'p', options: {} },
    });
    expect(problem(res)).toEqual({ status: 409, code: 'pilot_number_taken', paths: ['body.pilotNumber'] });
  } finally {
    await c.close();
  }
});

describe('404', () => {
  it('for an unknown group and an unknown switchboard, on every route', async () => {
    expect(problem(await postSwitchboard(t, 'grp_nope', switchboardBody(s))).status).toBe(404);
    expect(problem(await t.call({ method: 'GET', url: '/v1/groups/grp_nope/switchboards' })).status).toBe(
      404,
    );
    const id = 'swb_nope';
    for (const res of [
      await getSwitchboard(t, id),
      await patchSwitchboard(t, id, { greeting: 'x' }),
      await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}` }),
      await putExtension(t, id, '8001', s.liu.id),
      await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/extensions/8001` }),
      await putOperator(t, id, s.operator.id, 'available'),
      await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/operators/${s.operator.id}` }),
      await t.call({ method: 'GET', url: `/v1/switchboards/${id}/directory` }),
    ]) {
      expect(problem(res)).toMatchObject({ status: 404, code: 'not_found' });
    }
  });
});

describe('Idempotency-Key on POST', () => {
  it('a retry replays the first answer and creates one switchboard; another body under the key is a 409', async () => {
    const post = (body: unknown) =>
      t.call({
        method: 'POST',
        url: `/v1/groups/${s.groupId}/switchboards`,
        payload: body as Record<string, unknown>,
        headers: { 'idempotency-key': 'sb-1' },
      });
    const first = await post(switchboardBody(s));
    expect(first.statusCode).toBe(201);
    t.clock.advanceTo(T0 + MINUTE);
    const again = await post(switchboardBody(s, { pilotNumber: PILOT_E164 }));
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    const other = await post(switchboardBody(s, { greeting: '另一个' }));
    expect(problem(other)).toMatchObject({ status: 409, code: 'idempotency_key_reused' });
    const list = await t.call({ method: 'GET', url: `/v1/groups/${s.groupId}/switchboards` });
    expect(list.json().items).toHaveLength(1);
  });
});

describe('DELETE while calls are in progress', () => {
  it('answers 409 switchboard_in_use while hasActiveCalls says so, and deletes once it does not', async () => {
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    // A service over the same database with its own directory, and calls said to be up.
    const writer = createDirectoryWriter(null);
    const { store } = t.app.backend;
    writer.load({
      groups: await store.repos.groups.all(),
      vpns: [],
      members: await store.repos.members.all(),
      subgroups: [],
      subgroupMembers: [],
      switchboards: await store.repos.switchboards.all(),
    });
    let active = true;
    const service = createSwitchboardService({
      store,
      groups: { require: () => ({}) as never },
      directory: writer.directory,
      writer,
      clock: t.clock,
      hasActiveCalls: (switchboardId) => active && switchboardId === id,
    });
    await expect(service.remove(id)).rejects.toMatchObject({ code: 'switchboard_in_use', status: 409 });
    expect((await service.get(id)).id).toBe(id);
    active = false;
    await service.remove(id);
    await expect(service.get(id)).rejects.toMatchObject({ code: 'not_found' });
  });
});

it('a member created after the switchboard can be given an extension at once', async () => {
  const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
  const newcomer = await createMember(t, s.groupId, { msisdn: '13803110020', name: '新人' });
  expect((await putExtension(t, id, '8020', newcomer.id)).statusCode).toBe(201);
});
