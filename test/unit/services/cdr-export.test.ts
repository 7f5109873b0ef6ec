import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/sqlite/index.js';
import { cdrs } from '../../../db/sqlite/schema.js';
import type { Principal } from '../../../src/services/api-keys.js';
import { createCdrService } from '../../../src/services/cdrs.js';
import { createSqliteRepositories } from '../../../src/store/sqlite-repositories.js';
import { createSqliteStore } from '../../../src/store/sqlite-store.js';

const admin: Principal = { kind: 'admin', id: 'admin', canSee: () => true };

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

describe('the CDR export', () => {
  it('streams every matching CDR once, in order, across the pages it reads', async () => {
    const db = openDatabase(':memory:');
    const rows = Array.from({ length: 2_345 }, (_, i) => ({
      id: `cdr_${String(i).padStart(6, '0')}`,
      callId: `call_${i}`,
      groupId: i % 3 === 0 ? 'grp_other' : 'grp_a',
      callType: 'vpn_short',
      from: '+8613800138000',
      to: '+8613900139000',
      presentedCallerId: '+8613800138000',
      startedAt: 1_000 + i,
      answeredAt: null,
      endedAt: 2_000 + i,
      billableSeconds: 0,
      tariffClass: 'vpn_onnet',
      rateFenPerMinute: 0,
      chargeFen: 0,
      createdAt: 2_000 + i,
    }));
    for (let i = 0; i < rows.length; i += 500)
      db.insert(cdrs)
        .values(rows.slice(i, i + 500))
        .run();
    const service = createCdrService(createSqliteStore(db.$client, createSqliteRepositories(db)));

    const lines = (await text(service.csv({ groupId: 'grp_a' }, admin))).trimEnd().split('\r\n');
    const expected = rows.filter((r) => r.groupId === 'grp_a').map((r) => r.id);
    expect(lines[0]).toMatch(/^id,callId,groupId,/);
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(expected);
    expect(expected.length).toBeGreaterThan(1_000); // more than one page
    db.$client.close();
  });
});
