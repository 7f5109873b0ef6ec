import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGroup, createTestApp, HEBEI_ENTERPRISE, type TestApp } from '../../helpers/app.js';
import {
  createSwitchboard,
  decide,
  e164,
  getSwitchboard,
  menuWith,
  NUMBERS,
  OTHER_PILOT,
  OTHER_PILOT_E164,
  PILOT,
  PILOT_E164,
  patchSwitchboard,
  problem,
  putExtension,
  putOperator,
  scene,
  searchPhonebook,
  switchboardBody,
} from './config-fixtures.js';

/**
 * Routing reads the switchboards from the in-memory directory: every committed change to a
 * switchboard, its extensions or the members holding them shows in the very next decision,
 * and a new process rebuilds the same from SQLite.
 */
const apps: TestApp[] = [];
const dirs: string[] = [];

async function open(overrides: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const t = await createTestApp(overrides);
  apps.push(t);
  return t;
}

afterEach(async () => {
  for (const t of apps.splice(0)) await t.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const OUTBOUND = `9${NUMBERS.outside}`;

describe('routing through the switchboard', () => {
  it('a call to the pilot, in any form, is answered by the switchboard (ivr, switchboard_inbound)', async () => {
    const t = await open();
    const s = await scene(t);
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    for (const to of [PILOT_E164, '031188000000', '8631188000000']) {
      expect(await decide(t, NUMBERS.stranger, to)).toMatchObject({
        decision: 'ivr',
        callType: 'switchboard_inbound',
        reason: 'switchboard_pilot',
        target: { msisdn: PILOT_E164, groupId: s.groupId },
        switchboardId: id,
      });
    }
    // A member of the group (or of another) dialling the pilot reaches it too.
    expect((await decide(t, NUMBERS.wang, PILOT_E164)).callType).toBe('switchboard_inbound');
    expect((await decide(t, NUMBERS.other, PILOT_E164)).callType).toBe('switchboard_inbound');
  });

  it('an extension member dialling the outbound prefix goes out with the pilot presented', async () => {
    const t = await open();
    const s = await scene(t);
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    // Not yet an extension: an ordinary call.
    expect((await decide(t, NUMBERS.liu, OUTBOUND)).callType).not.toBe('switchboard_outbound');
    expect((await putExtension(t, id, '8001', s.liu.id)).statusCode).toBe(201);
    expect(await decide(t, NUMBERS.liu, OUTBOUND)).toMatchObject({
      decision: 'connect',
      callType: 'switchboard_outbound',
      reason: 'switchboard_outbound_prefix',
      presentedCallerId: PILOT_E164,
      target: { msisdn: e164(NUMBERS.outside) },
      switchboardId: id,
    });
    // Other members are not extensions of it.
    expect((await decide(t, NUMBERS.zhang, OUTBOUND)).callType).not.toBe('switchboard_outbound');
  });

  it('PATCH of the prefix and the pilot applies to the next call', async () => {
    const t = await open();
    const s = await scene(t);
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    await putExtension(t, id, '8001', s.liu.id);

    expect((await patchSwitchboard(t, id, { outboundPrefix: '*8' })).statusCode).toBe(200);
    expect((await decide(t, NUMBERS.liu, OUTBOUND)).callType).not.toBe('switchboard_outbound');
    expect(await decide(t, NUMBERS.liu, `*8${NUMBERS.outside}`)).toMatchObject({
      callType: 'switchboard_outbound',
      presentedCallerId: PILOT_E164,
    });

    expect((await patchSwitchboard(t, id, { outboundPrefix: null })).statusCode).toBe(200);
    expect((await decide(t, NUMBERS.liu, `*8${NUMBERS.outside}`)).callType).not.toBe('switchboard_outbound');

    await patchSwitchboard(t, id, { outboundPrefix: '9', pilotNumber: OTHER_PILOT });
    expect((await decide(t, NUMBERS.stranger, PILOT_E164)).callType).toBe('offnet');
    expect(await decide(t, NUMBERS.stranger, OTHER_PILOT_E164)).toMatchObject({
      decision: 'ivr',
      callType: 'switchboard_inbound',
      switchboardId: id,
    });
    expect((await decide(t, NUMBERS.liu, OUTBOUND)).presentedCallerId).toBe(OTHER_PILOT_E164);
  });

  it('deleting an extension ends outbound for its holder, unless they hold another', async () => {
    const t = await open();
    const s = await scene(t);
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    await putExtension(t, id, '8001', s.liu.id);
    await putExtension(t, id, '8011', s.liu.id);
    const remove = (extension: string) =>
      t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/extensions/${extension}` });

    expect((await remove('8001')).statusCode).toBe(204);
    expect((await decide(t, NUMBERS.liu, OUTBOUND)).callType).toBe('switchboard_outbound');
    expect((await remove('8011')).statusCode).toBe(204);
    expect((await decide(t, NUMBERS.liu, OUTBOUND)).callType).not.toBe('switchboard_outbound');
  });

  it('an extension that changes hands moves the outbound right with it', async () => {
    const t = await open();
    const s = await scene(t);
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    await putExtension(t, id, '8001', s.liu.id);
    expect((await putExtension(t, id, '8001', s.zhang.id)).statusCode).toBe(200);
    expect((await decide(t, NUMBERS.liu, OUTBOUND)).callType).not.toBe('switchboard_outbound');
    expect((await decide(t, NUMBERS.zhang, OUTBOUND)).callType).toBe('switchboard_outbound');
  });

  it('deleting a member drops their extensions and operator seat, in SQLite and in memory', async () => {
    const t = await open();
    const s = await scene(t);
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    await putExtension(t, id, '8001', s.liu.id);
    await putExtension(t, id, '8002', s.zhang.id);
    await putOperator(t, id, s.liu.id, 'available');
    const res = await t.call({ method: 'DELETE', url: `/v1/groups/${s.groupId}/members/${s.liu.id}` });
    expect(res.statusCode).toBe(204);
    const view = (await getSwitchboard(t, id)).json();
    expect(view.extensions).toEqual([{ extension: '8002', memberId: s.zhang.id }]);
    expect(view.operators).toEqual([]);
    // The number is a stranger's now; 8001 is free again.
    expect((await decide(t, NUMBERS.liu, OUTBOUND)).callType).not.toBe('switchboard_outbound');
    expect((await decide(t, NUMBERS.zhang, OUTBOUND)).callType).toBe('switchboard_outbound');
    expect((await putExtension(t, id, '8001', s.wang.id)).statusCode).toBe(201);
    expect(t.app.services.directory.switchboardsByExtensionMember.has(s.liu.id)).toBe(false);
    // The database cascaded the same rows away.
    const left = async (table: string) =>
      (await t.sql<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE member_id = ?`, s.liu.id))[0]?.n;
    expect(await left('switchboard_extensions')).toBe(0);
    expect(await left('switchboard_operators')).toBe(0);
    // And a DELETE of the extension it held answers 404: it went with the member.
    await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/extensions/8001` });
    expect(
      (await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}/extensions/8001` })).statusCode,
    ).toBe(404);
  });

  it('a member a menu key sends callers to is not deleted (409 naming the keys) until the menu changes', async () => {
    const t = await open();
    const s = await scene(t);
    // 王明 is key 2 of the root menu (menuWith) and, here, key 5 of the submenu under key 3.
    const menu = menuWith(s.wang.id);
    (menu.options['3'].menu.options as Record<string, unknown>)['5'] = {
      action: 'member',
      memberId: s.wang.id,
    };
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s, { menu }));
    await putExtension(t, id, '8001', s.wang.id);
    const url = `/v1/groups/${s.groupId}/members/${s.wang.id}`;
    const refused = await t.call({ method: 'DELETE', url });
    expect(problem(refused)).toMatchObject({ status: 409, code: 'member_in_menu' });
    expect(refused.json().detail).toContain(`key 2, 3 → 5 of switchboard ${id}`);
    // Nothing was removed: the member, their extension and the routing stay as they were.
    expect((await t.call({ method: 'GET', url })).statusCode).toBe(200);
    expect((await getSwitchboard(t, id)).json().extensions).toEqual([
      { extension: '8001', memberId: s.wang.id },
    ]);
    expect((await decide(t, NUMBERS.wang, OUTBOUND)).callType).toBe('switchboard_outbound');
    // A member no key names is deleted as before.
    expect(
      (await t.call({ method: 'DELETE', url: `/v1/groups/${s.groupId}/members/${s.liu.id}` })).statusCode,
    ).toBe(204);
    // With the keys sent elsewhere, the member goes (and their extension with them).
    const elsewhere = menuWith(s.zhang.id);
    expect((await patchSwitchboard(t, id, { menu: elsewhere })).statusCode).toBe(200);
    expect((await t.call({ method: 'DELETE', url })).statusCode).toBe(204);
    expect((await getSwitchboard(t, id)).json().extensions).toEqual([]);
  });

  it('deleting the switchboard frees its pilot and ends its extensions’ outbound calls', async () => {
    const t = await open();
    const s = await scene(t);
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    await putExtension(t, id, '8001', s.liu.id);
    expect((await t.call({ method: 'DELETE', url: `/v1/switchboards/${id}` })).statusCode).toBe(204);
    expect((await decide(t, NUMBERS.stranger, PILOT_E164)).callType).toBe('offnet');
    expect((await decide(t, NUMBERS.liu, OUTBOUND)).callType).not.toBe('switchboard_outbound');
    expect(t.app.services.directory.switchboardsByExtensionMember.size).toBe(0);
  });

  it('deleting a group (it has no members left) takes its switchboards along', async () => {
    const t = await open();
    const groupId = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '空集团' });
    const id = await createSwitchboard(t, groupId, {
      pilotNumber: PILOT,
      greeting: '您好',
      menu: { prompt: '人工服务请按0', options: { '0': { action: 'operator' } } },
    });
    expect((await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}` })).statusCode).toBe(204);
    expect((await decide(t, NUMBERS.stranger, PILOT_E164)).callType).toBe('offnet');
    expect((await getSwitchboard(t, id)).statusCode).toBe(404);
  });
});

describe('restart: switchboards are rebuilt from SQLite', () => {
  it('a new app on the same data directory has the switchboard, its extensions and operators, and routes alike', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-restart-'));
    dirs.push(dataDir);
    const first = await open({ dataDir });
    const s = await scene(first);
    const id = await createSwitchboard(first, s.groupId, switchboardBody(s));
    const gone = await createSwitchboard(
      first,
      s.groupId,
      switchboardBody(s, { pilotNumber: '0311-88000009' }),
    );
    await putExtension(first, id, '8001', s.liu.id);
    await putExtension(first, id, '8002', s.zhang.id);
    await putExtension(first, id, '8003', s.wang.id);
    await putOperator(first, id, s.operator.id, 'available');
    await putOperator(first, id, s.wang.id, 'busy');
    // Later changes are what the new process must see.
    await patchSwitchboard(first, id, { outboundPrefix: '7', greeting: '改过的欢迎辞' });
    await first.call({ method: 'DELETE', url: `/v1/switchboards/${id}/extensions/8003` });
    await putOperator(first, id, s.wang.id, 'offline');
    await first.call({ method: 'DELETE', url: `/v1/switchboards/${gone}` });
    const before = (await getSwitchboard(first, id)).json();
    await first.close();

    const second = await open({ dataDir });
    const after = await getSwitchboard(second, id);
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual(before);
    expect(after.json()).toMatchObject({
      greeting: '改过的欢迎辞',
      outboundPrefix: '7',
      extensions: [
        { extension: '8001', memberId: s.liu.id },
        { extension: '8002', memberId: s.zhang.id },
      ],
    });
    expect(after.json().operators).toHaveLength(2);
    expect((await getSwitchboard(second, gone)).statusCode).toBe(404);

    expect(await decide(second, NUMBERS.stranger, '031188000000')).toMatchObject({
      decision: 'ivr',
      callType: 'switchboard_inbound',
      switchboardId: id,
    });
    expect(await decide(second, NUMBERS.liu, `7${NUMBERS.outside}`)).toMatchObject({
      callType: 'switchboard_outbound',
      presentedCallerId: PILOT_E164,
    });
    expect((await decide(second, NUMBERS.wang, `7${NUMBERS.outside}`)).callType).not.toBe(
      'switchboard_outbound',
    );
    expect((await decide(second, NUMBERS.stranger, '031188000009')).callType).toBe('offnet');
    const found = (await searchPhonebook(second, id, '8002')).json();
    expect(found.items[0]).toMatchObject({ memberId: s.zhang.id, matchedBy: 'extension' });
    // The pilot is still taken after the restart.
    const again = await second.call({
      method: 'POST',
      url: `/v1/groups/${s.otherGroupId}/switchboards`,
      payload: { pilotNumber: PILOT, greeting: 'x', menu: { prompt: 'p', options: {} } },
    });
    expect(again.statusCode).toBe(409);
  });
});
