import { describe, expect, it } from 'vitest';
import { auditLog } from '../../../../db/postgres/schema.js';
import type { AuditRow } from '../../../../src/store/audit-repo.js';
import { isUniqueViolation } from '../../../../src/store/constraint-errors.js';
import { createPostgresAuditRepo } from '../../../../src/store/postgres/audit-repo.js';
import { BACKENDS } from '../../../helpers/backends.js';
import { repositoryBackends } from '../../../helpers/repository-backends.js';

const backends = repositoryBackends((ex) => ({ audit: createPostgresAuditRepo(ex) }), [auditLog]);

function entry(id: string, keyId: string | null, overrides: Partial<AuditRow> = {}): AuditRow {
  return {
    id,
    at: 1_700_000_000_000,
    keyId,
    method: 'POST',
    path: '/v1/groups',
    status: 201,
    resource: null,
    ...overrides,
  };
}

describe.each(BACKENDS)('the audit repository on %s', (name) => {
  const backend = backends.backendFor(name);
  const repo = () => backend.store.repos.audit;
  const ids = async (page: Parameters<ReturnType<typeof repo>['page']>[0]) =>
    (await repo().page(page)).map((row) => row.id);

  it('stores an entry as given, nulls included', async () => {
    const row = entry('aud_1', null, { path: "/v1/groups/grp_'%_", status: 409, resource: 'grp_1' });
    await repo().insert(row);
    await repo().insert(entry('aud_2', 'key_1'));
    expect(await repo().page({ limit: 10 })).toEqual([row, entry('aud_2', 'key_1')]);
  });

  it('refuses a second entry with the same id as a unique violation', async () => {
    await repo().insert(entry('aud_1', 'admin'));
    const error = await repo()
      .insert(entry('aud_1', 'admin'))
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('pages oldest first by id (byte order) after the cursor, limit + 1 rows', async () => {
    for (const id of ['aud_c', 'aud_A', 'aud_b', 'aud_B', 'aud_a']) await repo().insert(entry(id, 'admin'));
    expect(await ids({ limit: 2 })).toEqual(['aud_A', 'aud_B', 'aud_a']);
    expect(await ids({ limit: 2, cursor: 'aud_B' })).toEqual(['aud_a', 'aud_b', 'aud_c']);
    expect(await ids({ limit: 2, cursor: 'aud_b' })).toEqual(['aud_c']);
    expect(await ids({ limit: 0 })).toEqual(['aud_A']);
  });

  it("narrows to one key's requests, leaving out entries without a key", async () => {
    await repo().insert(entry('aud_1', 'key_1'));
    await repo().insert(entry('aud_2', null));
    await repo().insert(entry('aud_3', 'key_2'));
    await repo().insert(entry('aud_4', 'key_1'));
    await repo().insert(entry('aud_5', 'KEY_1'));
    expect(await ids({ limit: 10, keyId: 'key_1' })).toEqual(['aud_1', 'aud_4']);
    expect(await ids({ limit: 1, keyId: 'key_1', cursor: 'aud_1' })).toEqual(['aud_4']);
    expect(await ids({ limit: 10, keyId: 'key_%' })).toEqual([]);
    expect(await ids({ limit: 10, keyId: undefined })).toEqual(['aud_1', 'aud_2', 'aud_3', 'aud_4', 'aud_5']);
  });
});
