import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteBatch } from '../../../db/write-batch.js';

let dir: string;
let writer: Database.Database;
let reader: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'write-batch-'));
  const file = path.join(dir, 'x.sqlite');
  writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  writer.exec(`CREATE TABLE parent (id TEXT PRIMARY KEY);
    CREATE TABLE child (id TEXT PRIMARY KEY, parent TEXT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
  writer.pragma('foreign_keys = ON');
  reader = new Database(file, { readonly: true });
});
afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

const committed = () => reader.prepare('SELECT id FROM parent ORDER BY id').pluck().all();
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the write batch (group commit)', () => {
  it('commits the writes of one turn together at its end, and durable() resolves only then', async () => {
    const batch = createWriteBatch(writer);
    const insert = writer.prepare('INSERT INTO parent VALUES (?)');
    batch.join();
    insert.run('a');
    batch.join(); // a second request of the same turn joins the open batch
    writer.transaction(() => insert.run('b'))(); // a service's own transaction nests as a savepoint
    expect(batch.pending).toBe(true);
    const done = batch.durable();
    expect(committed()).toEqual([]); // nothing is visible outside before the commit
    await done;
    expect(committed()).toEqual(['a', 'b']);
    expect(batch.pending).toBe(false);
    await expect(batch.durable()).resolves.toBeUndefined(); // nothing open: at once
  });

  it('rolls back a failing transaction of one request alone', async () => {
    const batch = createWriteBatch(writer);
    const insert = writer.prepare('INSERT INTO parent VALUES (?)');
    batch.join();
    insert.run('kept');
    expect(() =>
      writer.transaction(() => {
        insert.run('undone');
        insert.run('kept'); // duplicate key: this request's transaction fails
      })(),
    ).toThrow(/UNIQUE/);
    await batch.durable();
    expect(committed()).toEqual(['kept']);
  });

  it('when the commit fails, every waiting response fails and nothing of the batch is kept', async () => {
    const failures: unknown[] = [];
    const batch = createWriteBatch(writer, { onCommitFailure: (error) => failures.push(error) });
    batch.join();
    writer.prepare('INSERT INTO parent VALUES (?)').run('p');
    // A deferred foreign key is checked at COMMIT: this one fails it.
    writer.prepare('INSERT INTO child VALUES (?, ?)').run('c', 'nobody');
    const waiting = [batch.durable(), batch.durable()];
    for (const w of waiting) await expect(w).rejects.toThrow(/FOREIGN KEY/);
    expect(failures).toHaveLength(1);
    expect(writer.inTransaction).toBe(false);
    expect(committed()).toEqual([]);
    // The next turn works again.
    batch.join();
    writer.prepare('INSERT INTO parent VALUES (?)').run('q');
    await batch.durable();
    expect(committed()).toEqual(['q']);
  });

  it('leaves a transaction it did not open alone, and flush() commits at once', async () => {
    const batch = createWriteBatch(writer);
    writer.exec('BEGIN');
    batch.join();
    expect(batch.pending).toBe(false);
    writer.exec('COMMIT');
    batch.join();
    writer.prepare('INSERT INTO parent VALUES (?)').run('now');
    batch.flush();
    expect(committed()).toEqual(['now']);
    await turn(); // the scheduled end of turn finds nothing left to commit
    expect(writer.inTransaction).toBe(false);
  });
});
