import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, createTestApp, type TestApp } from '../../helpers/app.js';
import { createPolicy, createTone, postPolicy } from './setup.js';

/**
 * Changes of one group's ringback made at once. Each is compiled with the group's other
 * policies and swapped into memory after it commits; whatever order they run in, the compiled
 * form the routing path reads must end up being that of what the store holds.
 */

const N = 6;

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

// `enabled` is 0/1 on SQLite and a boolean on PostgreSQL.
const stored = async (groupId: string) =>
  (
    await t.sql<{ id: string; enabled: number | boolean; seq: number }>(
      'SELECT id, enabled, seq FROM ringback_policies WHERE group_id = ? ORDER BY seq',
      groupId,
    )
  ).map((row) => ({ ...row, enabled: row.enabled === true || row.enabled === 1 }));
const compiledPolicies = (groupId: string) =>
  (t.app.services.directory.groups.get(groupId)?.ringback?.policies ?? []).map((p) => ({
    id: p.id,
    enabled: p.enabled,
  }));

describe('one group’s ringback changed by several requests at once', () => {
  it('N policies created at once: all kept, each with its own sequence number, all compiled', async () => {
    const groupId = await createGroup(t);
    const tone = await createTone(t, groupId, '欢迎致电');
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        postPolicy(t, groupId, {
          name: `策略 ${i}`,
          appliesTo: { all: true },
          toneIds: [tone],
          playback: 'single',
          priority: i,
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(N).fill(201));
    const rows = await stored(groupId);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(N);
    expect(
      compiledPolicies(groupId)
        .map((p) => p.id)
        .sort(),
    ).toEqual(rows.map((r) => r.id).sort());
  });

  it('N policies disabled, reprioritised and deleted at once: the compiled form is that of the store', async () => {
    const groupId = await createGroup(t);
    const tone = await createTone(t, groupId, '欢迎致电');
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      ids.push(
        await createPolicy(t, groupId, { name: `策略 ${i}`, appliesTo: { all: true }, toneIds: [tone] }),
      );
    }
    const url = (id: string) => `/v1/groups/${groupId}/ringback/policies/${id}`;
    const responses = await Promise.all(
      ids.map((id, i) =>
        i % 3 === 0
          ? t.call({ method: 'PATCH', url: url(id), payload: { enabled: false } })
          : i % 3 === 1
            ? t.call({ method: 'DELETE', url: url(id) })
            : t.call({ method: 'PATCH', url: url(id), payload: { priority: 10 } }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(ids.map((_, i) => [200, 204, 200][i % 3]));
    const rows = await stored(groupId);
    expect(rows.map((r) => r.id)).toEqual(ids.filter((_, i) => i % 3 !== 1));
    expect(compiledPolicies(groupId)).toEqual(rows.map((r) => ({ id: r.id, enabled: r.enabled })));
  });
});
