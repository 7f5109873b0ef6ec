import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { asAdmin, databasesOfRun, migratedTemplateName } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL whose role may CREATE DATABASE: where test files make their own. */
    postgresAdminUrl: string;
    /** Names this run's shared databases apart from another run's on the same server. */
    postgresRunId: string;
  }
}

/**
 * Gives the run a PostgreSQL: `TEST_DATABASE_URL` when set, else a server of its own started
 * once for the whole run (about 1.5 s, mostly initdb) and stopped at its end. Started whatever
 * the run holds: which files need it is only known once they are collected, after this.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = randomBytes(6).toString('hex');
  project.provide('postgresRunId', runId);
  const given = process.env.TEST_DATABASE_URL;
  if (given !== undefined && given !== '') {
    project.provide('postgresAdminUrl', given);
    // The files drop their own databases; the run's template, and what a file left (the
    // databases apps share across a restart, a file that failed half-way), go here.
    return () =>
      asAdmin(given, async (client) => {
        const left = await client.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
          [databasesOfRun(runId)],
        );
        for (const name of [...left.rows.map((row) => row.datname), migratedTemplateName(runId)]) {
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }
      });
  }
  const server = await startEmbeddedPostgres();
  project.provide('postgresAdminUrl', server.url);
  return () => server.stop();
}
