import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, createMember, createTestApp, type TestApp } from '../../helpers/app.js';

/** Search keys made by an older nameKeys (吕 → `l`) are recomputed at start, once. */
describe('re-keying member names at start', () => {
  let dataDir: string;
  let t: TestApp;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'rekey-'));
  });
  afterEach(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const search = async (groupId: string, q: string) =>
    (await t.call({ method: 'GET', url: `/v1/groups/${groupId}/members?q=${encodeURIComponent(q)}` })).json()
      .items as Array<{ name: string }>;

  it('finds 吕布 by lvbu and lv after a restart over keys of the old version', async () => {
    t = await createTestApp({ dataDir });
    const groupId = await createGroup(t);
    await createMember(t, groupId, { msisdn: '13803110011', name: '吕布' });
    expect((await search(groupId, 'lvbu')).map((m) => m.name)).toEqual(['吕布']);
    // Make the stored keys look as the old version wrote them, and forget the version.
    await t.sql("UPDATE members SET name_pinyin = 'lbu', name_initials = 'lb'");
    await t.sql("DELETE FROM settings WHERE key = 'name_keys_version'");
    expect(await search(groupId, 'lvbu')).toEqual([]);
    await t.close();

    t = await createTestApp({ dataDir });
    expect((await search(groupId, 'lvbu')).map((m) => m.name)).toEqual(['吕布']);
    expect((await search(groupId, 'lü bu')).map((m) => m.name)).toEqual(['吕布']);
    const [row] = await t.sql<{ value: string }>(
      "SELECT value FROM settings WHERE key = 'name_keys_version'",
    );
    expect(row?.value).toBe('2');
  });
});
