import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { migrationsFolderOf } from '../migrations-folder.js';
import { BACKSTOP_CHECKPOINT_PAGES, type Checkpointer, startCheckpointer } from './checkpointer.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Opens (creating if need be) the service's SQLite database and applies the committed
 * migrations. `dataDir` `:memory:` gives a private in-memory database (tests).
 */
export function openDatabase(dataDir: string): Db {
  const file = databaseFile(dataDir);
  if (file !== ':memory:') mkdirSync(dataDir, { recursive: true });
  const sqlite = new Database(file);
  // WAL: readers never block the one writer; NORMAL sync is durable across process crashes
  // (a kill -9 loses nothing committed), which is the guarantee the CDR contract needs.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: migrationsFolderOf(import.meta.url) });
  return db;
}

/** The SQLite file of a data directory; `:memory:` stays in memory. */
export function databaseFile(dataDir: string): string {
  return dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'service.sqlite');
}

/**
 * Hands checkpoints to a worker thread (see checkpointer.ts); the writer's own automatic
 * checkpoint stays as a backstop at a high threshold. Nothing to do for an in-memory database.
 */
export function checkpointInBackground(
  db: Db,
  dataDir: string,
  onError?: (message: string) => void,
): Checkpointer | null {
  if (dataDir === ':memory:') return null;
  db.$client.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  return startCheckpointer(databaseFile(dataDir), onError === undefined ? {} : { onError });
}
