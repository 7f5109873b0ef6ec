import { describe, expect, it } from 'vitest';
import { createHealthRepo } from '../../../../src/store/health-repo.js';
import { postgresForTest, sqliteForTest } from '../../../helpers/backends.js';

// The helper itself: both databases open migrated, with the same tables.
describe('test backends', () => {
  const postgres = postgresForTest();

  it('opens a migrated SQLite database that answers', () => {
    expect(() => createHealthRepo(sqliteForTest()).ping()).not.toThrow();
  });

  it('opens a migrated PostgreSQL database of its own', async () => {
    const result = await postgres.db.$client.query("SELECT to_regclass('public.groups') AS t");
    expect(result.rows[0].t).toBe('groups');
    expect(new URL(postgres.url).pathname).toMatch(/^\/test_/);
  });
});
