import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgres } from '../../db/postgres/index.js';

export interface TestDatabase {
  /** The new database's URL, with the run's credentials. */
  url: string;
  /** Drops the database, ending any connection still open on it. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * A copy of a database migrated once per run: openPostgres finds nothing left to apply, and
   * the copy costs a fraction of the migrations. Unset: an empty database.
   */
  migrated?: boolean;
  /** The database's default collation from ICU (`en-US`), for tests that must not see C's byte order. */
  icuLocale?: string;
}

/**
 * A new database on the run's PostgreSQL (test/helpers/postgres-global-setup.ts), for one
 * test file: create it in `beforeAll`, `drop()` it in `afterAll`.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  // Files run in parallel worker processes, and a TEST_DATABASE_URL server may be shared
  // with other runs: the run's id and random bytes keep the names apart, and the run's
  // teardown drops what its files left (databasesOfRun).
  const name = `${databasesOfRun(inject('postgresRunId'))}${randomBytes(6).toString('hex')}`;
  let from = '';
  if (options.migrated) from = ` TEMPLATE ${await migratedTemplate(adminUrl)}`;
  else if (options.icuLocale !== undefined) {
    from = ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE ${pg.escapeLiteral(options.icuLocale)}`;
  }
  await asAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}${from}`));
  return {
    url: databaseUrl(adminUrl, name),
    drop: () => asAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** The prefix of the names of a run's test databases. */
export function databasesOfRun(runId: string): string {
  return `test_${runId}_`;
}

/** The run's migrated template (dropped by the global setup's teardown); named per run. */
export function migratedTemplateName(runId: string): string {
  return `test_template_${runId}`;
}

let templateReady: Promise<string> | null = null;

// Made by the first worker that asks; the others wait on an advisory lock, then find it.
function migratedTemplate(adminUrl: string): Promise<string> {
  const name = migratedTemplateName(inject('postgresRunId'));
  templateReady ??= asAdmin(adminUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount !== 0) return;
      await client.query(`CREATE DATABASE ${name}`);
      try {
        const migrated = await openPostgres(databaseUrl(adminUrl, name));
        await migrated.close();
      } catch (error) {
        await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
        throw error;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  }).then(() => name);
  return templateReady;
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `work` on a connection of the admin URL's role, closed after. */
export async function asAdmin(
  adminUrl: string,
  work: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
