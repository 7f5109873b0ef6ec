import { describe, expect, it } from 'vitest';
import { cdrs } from '../../../../db/postgres/schema.js';
import type { CdrFilter } from '../../../../src/store/cdr-repo.js';
import { createPostgresCdrRepo } from '../../../../src/store/postgres/cdr-repo.js';
import { BACKENDS } from '../../../helpers/backends.js';
import { cdrRow, repositoryBackends } from '../../../helpers/repository-backends.js';

const backends = repositoryBackends((ex) => ({ cdrs: createPostgresCdrRepo(ex) }), [cdrs]);

const HOUR = 3_600_000;
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

const cdr = cdrRow;

describe.each(BACKENDS)('the CDR repository on %s', (name) => {
  const backend = backends.backendFor(name);
  const repo = () => backend.store.repos.cdrs;
  const ids = async (filter: Partial<CdrFilter>, page: { limit: number; cursor?: string } = { limit: 100 }) =>
    (await repo().list({ scope: null, ...filter }, page)).map((row) => row.id);

  it('reads a CDR by id, unanswered and without a group included, numbers as numbers', async () => {
    const unanswered = cdr('cdr_2', {
      groupId: null,
      answeredAt: null,
      billableSeconds: 0,
      chargeFen: 0,
      // Beyond 32 bits: bigint columns come back as the same numbers.
      createdAt: 4_102_444_800_000,
    });
    await backend.seed('cdrs', [cdr('cdr_1', { chargeFen: 5_000_000_000 }), unanswered]);
    expect(await repo().get('cdr_1')).toEqual(cdr('cdr_1', { chargeFen: 5_000_000_000 }));
    expect(await repo().get('cdr_2')).toEqual(unanswered);
    expect(await repo().get('cdr_missing')).toBeUndefined();
  });

  it('lists oldest first by id (byte order) after the cursor, limit + 1 rows', async () => {
    await backend.seed(
      'cdrs',
      ['cdr_b', 'cdr_A', 'cdr_a', 'cdr_B', 'cdr_c'].map((id) => cdr(id)),
    );
    expect(await ids({}, { limit: 2 })).toEqual(['cdr_A', 'cdr_B', 'cdr_a']);
    expect(await ids({}, { limit: 2, cursor: 'cdr_B' })).toEqual(['cdr_a', 'cdr_b', 'cdr_c']);
    expect(await ids({}, { limit: 5, cursor: 'cdr_c' })).toEqual([]);
    // An empty cursor is no cursor, as on SQLite.
    expect(await ids({}, { limit: 1, cursor: '' })).toEqual(['cdr_A', 'cdr_B']);
  });

  it('filters by group, call type and the start time range [from, to)', async () => {
    await backend.seed('cdrs', [
      cdr('cdr_1', { startedAt: T0 - 1 }),
      cdr('cdr_2', { startedAt: T0 }),
      cdr('cdr_3', { startedAt: T0 + HOUR - 1, callType: 'offnet' }),
      cdr('cdr_4', { startedAt: T0 + HOUR }),
      cdr('cdr_5', { startedAt: T0, groupId: 'grp_2' }),
      cdr('cdr_6', { startedAt: T0, groupId: null }),
    ]);
    expect(await ids({ fromMs: T0, toMs: T0 + HOUR })).toEqual(['cdr_2', 'cdr_3', 'cdr_5', 'cdr_6']);
    expect(await ids({ fromMs: T0 })).toEqual(['cdr_2', 'cdr_3', 'cdr_4', 'cdr_5', 'cdr_6']);
    expect(await ids({ toMs: T0 })).toEqual(['cdr_1']);
    expect(await ids({ groupId: 'grp_1', fromMs: T0, toMs: T0 + HOUR })).toEqual(['cdr_2', 'cdr_3']);
    expect(await ids({ callType: 'offnet' })).toEqual(['cdr_3']);
    expect(await ids({ callType: 'OFFNET' })).toEqual([]);
    expect(await ids({ groupId: 'grp_%' })).toEqual([]);
  });

  it("keeps a partner to its groups' CDRs; no groups, no CDRs", async () => {
    await backend.seed('cdrs', [
      cdr('cdr_1', { groupId: 'grp_1' }),
      cdr('cdr_2', { groupId: 'grp_2' }),
      cdr('cdr_3', { groupId: null }),
      cdr('cdr_4', { groupId: 'grp_3' }),
    ]);
    expect(await ids({ scope: new Set(['grp_1', 'grp_3']) })).toEqual(['cdr_1', 'cdr_4']);
    expect(await ids({ scope: new Set(['grp_1']), groupId: 'grp_2' })).toEqual([]);
    expect(await ids({ scope: new Set() })).toEqual([]);
    expect(await ids({ scope: null })).toEqual(['cdr_1', 'cdr_2', 'cdr_3', 'cdr_4']);
  });
});
