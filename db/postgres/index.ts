import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationsFolderOf } from '../migrations-folder.js';
import * as schema from './schema.js';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export interface PostgresOptions {
  /** Connections in the pool (10): a few per core are enough, a request holds one briefly. */
  poolSize?: number;
  /**
   * Milliseconds a statement may run before the server cancels it (10 s): one that runs longer
   * is waiting on a lock or scanning what it should not, and must not hold a connection.
   */
  statementTimeoutMs?: number;
  /** Milliseconds to wait for a connection, at start and from the pool (10 s). */
  connectTimeoutMs?: number;
  /** A connection of the pool failed while idle (the server restarted): it is dropped. */
  onIdleError?: (error: Error) => void;
}

export interface PostgresDatabase {
  db: PgDb;
  pool: pg.Pool;
  /** Ends the pool's connections once their queries finish; calling it again does nothing. */
  close(): Promise<void>;
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/**
 * A transaction left open by a stuck caller holds its row locks; the server ends its session
 * after this long, so other nodes are not blocked behind it for ever.
 */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * Serialises the nodes that start at once on one database: the first applies the migrations,
 * the others wait and then find nothing left to do. A session-level advisory lock, released
 * explicitly (and by the server if the node dies).
 */
const MIGRATION_LOCK_KEY = 7_231_846_001;

/**
 * Opens a pool on the PostgreSQL database at `url` after applying the committed migrations
 * (db/postgres/migrations). Fails, naming the URL without its password, when the server cannot
 * be reached, refuses the login, or the migrations do not apply.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  await applyMigrations(url, connectTimeoutMs);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    application_name: 'group-telecom-sim',
  });
  // Without a listener, an idle connection's error (a server restart) would end the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = drizzle(pool, { schema }) as PgDb;
  let closed: Promise<void> | null = null;
  return {
    db,
    pool,
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}

// On a connection of its own without a statement timeout: a migration may rightly run long
// (an index built over a large table).
async function applyMigrations(url: string, connectTimeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // An error after connecting (the server going away mid-migration) rejects the query at hand;
  // the listener only keeps it from also being thrown as an unhandled 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(`Could not connect to PostgreSQL at ${redactedUrl(url)}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  try {
    await requireUtf8(client, url);
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: migrationsFolderOf(import.meta.url) });
    } catch (error) {
      throw new Error(
        `Could not apply the migrations to PostgreSQL at ${redactedUrl(url)}: ${messageOf(error)}`,
        { cause: error },
      );
    } finally {
      // Ending the session releases the lock too: a failed unlock must not hide the error.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

// Names, Chinese above all, must come back as they were written: a database created with
// another encoding (SQL_ASCII accepts any byte and checks nothing) is refused up front.
async function requireUtf8(client: pg.Client, url: string): Promise<void> {
  const { rows } = await client.query<{ server_encoding: string }>('SHOW server_encoding');
  const encoding = rows[0]?.server_encoding;
  if (encoding !== 'UTF8') {
    throw new Error(
      `The PostgreSQL database at ${redactedUrl(url)} is encoded ${encoding}; the service needs one created with ENCODING 'UTF8'`,
    );
  }
}

/** The URL as it can be shown in a log or an error: without its password. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // node-postgres reports a refused connection to a name with several addresses this way,
    // with an empty message of its own.
    return error.errors.map(messageOf).join('; ');
  }
  if (error instanceof Error && error.message !== '') return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
