import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Store } from '../../src/store/store.js';
import type { postgresForTest } from './backends.js';
import { gate } from './gate.js';

type PostgresForTest = ReturnType<typeof postgresForTest>;

/**
 * Proves that a `lock…` read holds until its transaction commits (PostgreSQL): a first
 * transaction locks and, held open by a gate, writes; a second transaction's lock of the same
 * row is seen waiting on the server (pg_stat_activity), then reads what the first committed.
 * Answers what the second read.
 */
export async function expectSecondLockWaits<R, Seen>(
  postgres: PostgresForTest,
  store: Store<R>,
  steps: {
    lock: (tx: R) => Promise<unknown>;
    /** The first transaction's write, after its lock. */
    write: (tx: R) => Promise<void>;
    /** The second transaction: its lock, then what it reads. */
    second: (tx: R) => Promise<Seen>;
  },
): Promise<Seen> {
  const held = gate();
  const order: string[] = [];
  const first = store.transaction(async (tx) => {
    await steps.lock(tx);
    order.push('first locked');
    await held.opened;
    await steps.write(tx);
    order.push('first wrote');
  });
  while (order.length === 0) await new Promise((resolve) => setImmediate(resolve));
  let secondDone = false;
  const second = store
    .transaction(async (tx) => {
      const seen = await steps.second(tx);
      order.push('second read');
      return seen;
    })
    .finally(() => {
      secondDone = true;
    });
  try {
    // Without the lock the second would finish before any session waits, and this check fails.
    expect(await untilASessionWaitsOnALock(postgres, () => secondDone)).toBe(true);
    expect(order).toEqual(['first locked']);
  } finally {
    // Even on failure: a first transaction held open would keep the database from being dropped.
    held.open();
  }
  const [, seen] = await Promise.all([first, second]);
  expect(order).toEqual(['first locked', 'first wrote', 'second read']);
  return seen;
}

/** True once a session of this database waits for a lock; false if `done` first. */
async function untilASessionWaitsOnALock(postgres: PostgresForTest, done: () => boolean): Promise<boolean> {
  while (!done()) {
    const waiting = await postgres.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if ((waiting.rows[0]?.n ?? 0) > 0) return true;
  }
  return false;
}
