import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteBatch } from '../../../db/write-batch.js';
import { createSqliteStore } from '../../../src/store/sqlite-store.js';
import { gate } from '../../helpers/gate.js';

let dir: string;
let writer: Database.Database;
let reader: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sqlite-store-'));
  const file = path.join(dir, 'x.sqlite');
  writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  writer.exec('CREATE TABLE seat (id TEXT PRIMARY KEY)');
  reader = new Database(file, { readonly: true });
});
afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A repository written the SQLite way: synchronous prepared statements. */
function seats(client: Database.Database) {
  const insert = client.prepare('INSERT INTO seat VALUES (?)');
  const all = client.prepare('SELECT id FROM seat ORDER BY id').pluck();
  return {
    take: (id: string) => {
      insert.run(id);
    },
    all: () => all.all() as string[],
  };
}

const committed = () => reader.prepare('SELECT id FROM seat ORDER BY id').pluck().all();
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the SQLite store', () => {
  it('answers promises, and a repository error is a rejection rather than a throw', async () => {
    const store = createSqliteStore(writer, { seats: seats(writer) });
    await store.repos.seats.take('a');
    await expect(store.repos.seats.all()).resolves.toEqual(['a']);
    const duplicate = store.repos.seats.take('a');
    expect(duplicate).toBeInstanceOf(Promise);
    await expect(duplicate).rejects.toThrow(/UNIQUE/);
  });

  it('keeps all of a transaction or none of it', async () => {
    const store = createSqliteStore(writer, { seats: seats(writer) });
    await store.transaction(async (tx) => {
      await tx.seats.take('a');
      await tx.seats.take('b');
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.seats.take('c');
        await tx.seats.take('a'); // taken: the whole transaction goes
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('runs transactions one at a time when work awaits something else between its statements', async () => {
    const store = createSqliteStore(writer, { seats: seats(writer) });
    const held = gate();
    const order: string[] = [];
    const first = store.transaction(async (tx) => {
      await tx.seats.take('first');
      order.push('first wrote');
      await held.opened; // a real wait: other requests run meanwhile
      throw new Error('the first changes its mind');
    });
    const second = store.transaction(async (tx) => {
      order.push('second began');
      await tx.seats.take('second');
    });
    // Outside any transaction: waits, so it never reads what the first may still roll back.
    const read = store.repos.seats.all();
    await turn();
    await turn();
    expect(order).toEqual(['first wrote']);
    held.open();
    await expect(first).rejects.toThrow(/changes its mind/);
    await second;
    // The first's rollback undid its own write only; the read ran after both.
    expect(order).toEqual(['first wrote', 'second began']);
    expect(await read).toEqual(['second']);
    expect(committed()).toEqual(['second']);
  });

  it('lets the group commit end the batch only between two transactions', async () => {
    const store = createSqliteStore(writer, { seats: seats(writer) });
    const batch = createWriteBatch(writer, { lock: store.lock });
    const held = gate();
    batch.join();
    await store.transaction(async (tx) => tx.seats.take('before'));
    const during = store.transaction(async (tx) => {
      await tx.seats.take('during');
      await held.opened;
      await tx.seats.take('during-2');
    });
    const durable = batch.durable();
    // The turn ends (the batch's setImmediate) while the transaction is half-way: no commit.
    await turn();
    await turn();
    expect(batch.pending).toBe(true);
    expect(committed()).toEqual([]);
    held.open();
    await during;
    await durable;
    expect(committed()).toEqual(['before', 'during', 'during-2']);
  });

  it('commits a transaction by itself when no batch is open', async () => {
    const store = createSqliteStore(writer, { seats: seats(writer) });
    await store.transaction(async (tx) => tx.seats.take('alone'));
    expect(writer.inTransaction).toBe(false);
    expect(committed()).toEqual(['alone']);
  });
});
