import { openPostgres, type PgDb } from '../../db/postgres/index.js';
import { checkpointInBackground, type Db, openDatabase } from '../../db/sqlite/index.js';
import { createWriteBatch, type WriteBatch } from '../../db/write-batch.js';
import { createPostgresBackedStore } from './postgres-repositories.js';
import type { AppStore } from './repositories.js';
import { createSqliteRepositories } from './sqlite-repositories.js';
import { createSqliteStore } from './sqlite-store.js';

/**
 * The database the app runs on, chosen by configuration: PostgreSQL when `databaseUrl` is set,
 * otherwise the SQLite file in `dataDir` (`:memory:` for tests).
 */
export interface Backend {
  readonly store: AppStore;
  /**
   * Group commit: on SQLite, the writes of one turn share a transaction and answers wait for
   * it (db/write-batch.ts). On PostgreSQL every write commits by itself before its promise
   * resolves, so there is nothing to wait for: the batch never opens.
   */
  readonly batch: WriteBatch;
  /** The SQLite database, for tools and tests that read it directly; null on PostgreSQL. */
  readonly sqlite: Db | null;
  /** The PostgreSQL database; null on SQLite. */
  readonly postgres: PgDb | null;
  /** Commits what is pending and closes the database; calling it again does nothing more. */
  close(): Promise<void>;
}

export interface BackendOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** A batch of writes failed to commit (SQLite); its requests were refused. */
  onCommitFailure: (error: unknown) => void;
  /** Background work of the database failed: a WAL checkpoint, an idle pool connection. */
  onBackgroundError: (message: string, error?: unknown) => void;
}

export async function openBackend(options: BackendOptions): Promise<Backend> {
  return options.databaseUrl === undefined
    ? openSqliteBackend(options)
    : openPostgresBackend(options.databaseUrl, options);
}

function openSqliteBackend(options: BackendOptions): Backend {
  const db = openDatabase(options.dataDir);
  const checkpointer = checkpointInBackground(db, options.dataDir, (message) =>
    options.onBackgroundError(`background checkpoint failed: ${message}`),
  );
  const store = createSqliteStore(db.$client, createSqliteRepositories(db));
  const batch = createWriteBatch(db.$client, {
    lock: store.lock,
    onCommitFailure: options.onCommitFailure,
    afterCommit: () => checkpointer?.finish(db.$client),
  });
  let closed: Promise<void> | null = null;
  return {
    store,
    batch,
    sqlite: db,
    postgres: null,
    close() {
      closed ??= (async () => {
        batch.flush();
        await checkpointer?.stop();
        db.$client.close();
      })();
      return closed;
    },
  };
}

async function openPostgresBackend(url: string, options: BackendOptions): Promise<Backend> {
  const postgres = await openPostgres(url, {
    onIdleError: (error) => options.onBackgroundError('an idle PostgreSQL connection failed', error),
  });
  return {
    store: createPostgresBackedStore(postgres.db),
    batch: WRITES_COMMIT_THEMSELVES,
    sqlite: null,
    postgres: postgres.db,
    close: () => postgres.close(),
  };
}

const settled = Promise.resolve();

/** The batch of a backend whose writes are committed when their promises resolve. */
const WRITES_COMMIT_THEMSELVES: WriteBatch = {
  join() {},
  pending: false,
  durable: () => settled,
  flush() {},
};
