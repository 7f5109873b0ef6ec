import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../../../db/postgres/index.js';
import { createHealthRepo } from '../../../../src/store/health-repo.js';
import { createPostgresHealthRepo } from '../../../../src/store/postgres/health-repo.js';
import type { PgExecutor } from '../../../../src/store/postgres-store.js';
import { createSqliteBackedStore } from '../../../../src/store/sqlite-repositories.js';
import { BACKENDS, sqliteForTest } from '../../../helpers/backends.js';
import { repositoryBackends } from '../../../helpers/repository-backends.js';

const backends = repositoryBackends((ex) => ({ health: createPostgresHealthRepo(ex) }), []);
const postgres = backends.postgres;

// The helper itself: both databases open migrated, with the same tables.
describe('test backends', () => {
  it('opens a migrated SQLite database that answers', () => {
    expect(() => createHealthRepo(sqliteForTest()).ping()).not.toThrow();
  });

  it('opens a migrated PostgreSQL database of its own', async () => {
    const result = await postgres.db.$client.query("SELECT to_regclass('public.groups') AS t");
    expect(result.rows[0].t).toBe('groups');
    expect(new URL(postgres.url).pathname).toMatch(/^\/test_/);
  });
});

describe.each(BACKENDS)('the health repository on %s', (name) => {
  const backend = backends.backendFor(name);

  it('answers a ping, outside and inside a transaction', async () => {
    await expect(backend.store.repos.health.ping()).resolves.toBeUndefined();
    await expect(backend.store.transaction((tx) => tx.health.ping())).resolves.toBeUndefined();
  });

  it('rejects a ping once the database is closed', async () => {
    const ping = await closedDatabasePing(name);
    await expect(ping()).rejects.toThrow();
  });
});

/** A ping on a database of the backend opened for the test and closed again. */
async function closedDatabasePing(name: (typeof BACKENDS)[number]): Promise<() => Promise<void>> {
  if (name === 'sqlite') {
    const db = sqliteForTest();
    const store = createSqliteBackedStore(db);
    db.$client.close();
    return () => store.repos.health.ping();
  }
  const closed = await openPostgres(postgres.url);
  await closed.close();
  const repo = createPostgresHealthRepo(closed.db as unknown as PgExecutor);
  return () => repo.ping();
}
