import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointInBackground, databaseFile, openDatabase } from '../../../db/sqlite/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Polls (real time: the worker is a real thread) until `done` or the deadline. */
async function until(done: () => boolean, deadlineMs = 5_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('the background checkpointer', () => {
  it('copies committed pages into the database file from its worker, while the writer never checkpoints below the backstop', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'checkpointer-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    const checkpointer = checkpointInBackground(db, dir);
    expect(checkpointer).not.toBeNull();
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(16_384);

    const file = databaseFile(dir);
    const before = statSync(file).size;
    db.$client.exec('CREATE TABLE filler (v TEXT)');
    const insert = db.$client.prepare('INSERT INTO filler VALUES (?)');
    for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(1_000)); // ≈ 2 MB, in the WAL first
    // Only a checkpoint grows the database file: the writer alone would not before 64 MiB.
    expect(await until(() => statSync(file).size > before + 1_000_000)).toBe(true);

    await checkpointer!.stop();
    await checkpointer!.stop(); // idempotent
    expect(db.$client.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(2_000);
    db.$client.close();
  });

  it('past 8 MiB of WAL the writer finishes the copy between commits, and the WAL starts over', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'checkpointer-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    const checkpointer = checkpointInBackground(db, dir)!;
    db.$client.exec('CREATE TABLE filler (v TEXT)');
    const insert = db.$client.prepare('INSERT INTO filler VALUES (?)');
    expect(checkpointer.finish(db.$client)).toBe(false); // nothing asked yet
    for (let i = 0; i < 2_500; i++) insert.run('x'.repeat(4_000)); // > 2,048 pages of WAL
    expect(await until(() => checkpointer.finish(db.$client))).toBe(true);
    insert.run('after');
    const [wal] = db.$client.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(wal!.log).toBeLessThan(10); // the commit after the finish wrote from the WAL's start
    await checkpointer.stop();
    db.$client.close();
  });

  it('is not started for an in-memory database', () => {
    expect(checkpointInBackground(openDatabase(':memory:'), ':memory:')).toBeNull();
  });
});
