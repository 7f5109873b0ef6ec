import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/services/audit.js';
import {
  createGroup,
  createMember,
  createTestApp,
  HEBEI_ENTERPRISE,
  type TestApp,
} from '../../helpers/app.js';

const WALL_T0 = Date.parse('2026-12-01T08:00:00Z');
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({}, { wallClock: () => WALL_T0 });
});
afterEach(() => t.close());

async function auditLog(query = ''): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const res = await t.call({ method: 'GET', url: `/v1/audit-log${query}` });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('the audit log', () => {
  it('records every write with its key and status: created, refused and deleted alike', async () => {
    const groupId = await createGroup(t);
    const keyRes = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'crm', groupIds: [groupId] },
    });
    const partner = keyRes.json() as { id: string; key: string };
    const member = await createMember(t, groupId, { msisdn: '13803110001', name: '王明' });
    // Refusals: a bad field (400), no key (401), a partner on an admin operation (403), a 404.
    await t.call({ method: 'POST', url: '/v1/groups', payload: { name: '' } });
    await t.call({ method: 'POST', url: '/v1/groups', payload: HEBEI_ENTERPRISE, key: null });
    await t.call({ method: 'POST', url: '/v1/groups', payload: HEBEI_ENTERPRISE, key: partner.key });
    await t.call({ method: 'PATCH', url: `/v1/groups/${groupId}/members/mem_nope`, payload: { name: '李' } });
    await t.call({ method: 'DELETE', url: `/v1/groups/${groupId}/members/${member.id}` });
    // Reads, routing decisions and sandbox runs are not recorded.
    await t.call({ method: 'GET', url: `/v1/groups/${groupId}` });
    await t.call({ method: 'POST', url: '/v1/route', payload: { from: '13803110001', to: '13803110002' } });
    await t.call({ method: 'POST', url: '/v1/scenarios/run', payload: { name: 'noop', steps: [] } });

    const { items } = await auditLog();
    expect(
      items.map(({ keyId, method, path, status, resource }) => ({ keyId, method, path, status, resource })),
    ).toEqual([
      { keyId: 'admin', method: 'POST', path: '/v1/groups', status: 201, resource: groupId },
      { keyId: 'admin', method: 'POST', path: '/v1/api-keys', status: 201, resource: partner.id },
      {
        keyId: 'admin',
        method: 'POST',
        path: `/v1/groups/${groupId}/members`,
        status: 201,
        resource: member.id,
      },
      { keyId: 'admin', method: 'POST', path: '/v1/groups', status: 400, resource: undefined },
      { keyId: null, method: 'POST', path: '/v1/groups', status: 401, resource: undefined },
      { keyId: partner.id, method: 'POST', path: '/v1/groups', status: 403, resource: undefined },
      {
        keyId: 'admin',
        method: 'PATCH',
        path: `/v1/groups/${groupId}/members/mem_nope`,
        status: 404,
        resource: 'mem_nope',
      },
      {
        keyId: 'admin',
        method: 'DELETE',
        path: `/v1/groups/${groupId}/members/${member.id}`,
        status: 204,
        resource: member.id,
      },
    ]);
    expect(new Set(items.map((entry) => entry.at))).toEqual(new Set([new Date(WALL_T0).toISOString()]));
    // The secret answered at creation is not kept.
    expect(JSON.stringify(items)).not.toContain(partner.key);
  });

  it('records each of many writes sent at once, once', async () => {
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.call({ method: 'POST', url: '/v1/groups', payload: { ...HEBEI_ENTERPRISE, name: `集团${i}` } }),
      ),
    );
    expect(created.map((res) => res.statusCode)).toEqual(Array(8).fill(201));
    const { items } = await auditLog();
    expect(items.map((entry) => entry.resource).sort()).toEqual(created.map((res) => res.json().id).sort());
    expect(new Set(items.map((entry) => entry.status))).toEqual(new Set([201]));
  });

  it('pages by ?after= and narrows by ?keyId=', async () => {
    const groupId = await createGroup(t);
    const partner = (
      await t.call({ method: 'POST', url: '/v1/api-keys', payload: { name: 'crm', groupIds: [groupId] } })
    ).json() as { id: string; key: string };
    for (let i = 0; i < 3; i++) {
      await t.call({
        method: 'POST',
        url: `/v1/groups/${groupId}/members`,
        payload: { msisdn: `1380311000${i}`, name: `成员${i}` },
        key: partner.key,
      });
    }
    const all = await auditLog();
    expect(all.items).toHaveLength(5);
    const first = await auditLog('?limit=2');
    expect(first.items.map((e) => e.id)).toEqual(all.items.slice(0, 2).map((e) => e.id));
    const rest = await auditLog(`?after=${first.nextCursor}`);
    expect(rest).toEqual({ items: all.items.slice(2), nextCursor: null });

    const partnerOnly = await auditLog(`?keyId=${partner.id}&limit=2`);
    expect(partnerOnly.items.map((e) => [e.keyId, e.status])).toEqual([
      [partner.id, 201],
      [partner.id, 201],
    ]);
    const partnerRest = await auditLog(`?keyId=${partner.id}&after=${partnerOnly.nextCursor}`);
    expect(partnerRest.items).toHaveLength(1);
    expect(partnerRest.nextCursor).toBeNull();
    expect((await auditLog('?keyId=admin')).items).toHaveLength(2);
  });
});
