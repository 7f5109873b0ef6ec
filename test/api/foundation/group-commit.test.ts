import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { databaseFile } from '../../../db/sqlite/index.js';
import { createTestApp, HEBEI_ENTERPRISE, type TestApp } from '../../helpers/app.js';

let t: TestApp;
let dataDir: string;
beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'group-commit-'));
  t = await createTestApp({ dataDir });
});
afterEach(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('group commit over HTTP', () => {
  it('concurrent writes share commits, and each is committed before its response is sent', async () => {
    const reader = new Database(databaseFile(dataDir), { readonly: true });
    const exec = vi.spyOn(sqliteOf(t), 'exec');
    const seen = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .call({ method: 'POST', url: '/v1/groups', payload: { ...HEBEI_ENTERPRISE, name: `集团${i}` } })
          .then((res) => {
            expect(res.statusCode).toBe(201);
            // Another connection sees it the moment the answer arrives: acknowledged = committed.
            return reader.prepare('SELECT count(*) FROM groups WHERE id = ?').pluck().get(res.json().id);
          }),
      ),
    );
    expect(seen).toEqual(Array(20).fill(1));
    const commits = exec.mock.calls.filter(([sql]) => sql === 'COMMIT').length;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThan(20);
    reader.close();
  });

  it('a refused write keeps nothing and the batch goes on for the others', async () => {
    const good = t.call({ method: 'POST', url: '/v1/groups', payload: HEBEI_ENTERPRISE });
    const bad = t.call({
      method: 'POST',
      url: '/v1/groups',
      payload: { ...HEBEI_ENTERPRISE, valueTier: 'Z9' },
    });
    const [ok, refused] = await Promise.all([good, bad]);
    expect(ok.statusCode).toBe(201);
    expect(refused.statusCode).toBe(400);
    const list = (await t.call({ method: 'GET', url: '/v1/groups' })).json();
    expect(list.items.map((g: { id: string }) => g.id)).toEqual([ok.json().id]);
  });

  it('the routing decision, a POST that writes nothing, opens no batch; neither do reads', async () => {
    const exec = vi.spyOn(sqliteOf(t), 'exec');
    const routed = await t.call({
      method: 'POST',
      url: '/v1/route',
      payload: { from: '+8613800138000', to: '110', service: 'voice' },
    });
    expect(routed.statusCode).toBe(200);
    expect((await t.call({ method: 'GET', url: '/v1/groups' })).statusCode).toBe(200);
    expect(exec.mock.calls.filter(([sql]) => sql === 'BEGIN')).toHaveLength(0);
    await t.call({ method: 'POST', url: '/v1/groups', payload: HEBEI_ENTERPRISE });
    expect(exec.mock.calls.filter(([sql]) => sql === 'BEGIN')).toHaveLength(1);
  });
});

/** This file is about SQLite's group commit: the app's SQLite connection. */
function sqliteOf(app: TestApp) {
  const sqlite = app.app.backend.sqlite;
  if (sqlite === null) throw new Error('group commit is a SQLite mechanism');
  return sqlite.$client;
}
