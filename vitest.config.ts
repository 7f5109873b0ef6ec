import { defineConfig } from 'vitest/config';

/**
 * Two projects over one PostgreSQL for the run (TEST_DATABASE_URL or a throwaway server; each
 * file that needs it makes its own databases there, test/helpers/postgres.ts):
 *
 * - `sqlite`: every test, the API suite on the SQLite default;
 * - `api-postgres`: the API suite again, each app on a PostgreSQL database of its own
 *   (TEST_BACKEND=postgres, read by test/helpers/app.ts).
 */
export default defineConfig({
  test: {
    globalSetup: ['test/helpers/postgres-global-setup.ts'],
    // CI has 2 cores; each test file gets its own fresh database, so files run in parallel.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'api-postgres',
          include: ['test/api/**/*.test.ts'],
          exclude: [
            // SQLite's group commit (db/write-batch.ts): PostgreSQL commits each write itself.
            'test/api/foundation/group-commit.test.ts',
            // Served documents and plugins that never touch the database: nothing to learn twice.
            'test/api/foundation/openapi-lint.test.ts',
          ],
          env: { TEST_BACKEND: 'postgres' },
        },
      },
    ],
  },
});
