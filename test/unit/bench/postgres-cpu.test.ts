import { describe, expect, it } from 'vitest';
import { cpuWindow, processTreeMeter } from '../../../bench/lib/cpu.js';
import { findServerPid } from '../../../bench/lib/postgres.js';
import { postgresForTest } from '../../helpers/backends.js';

const postgres = postgresForTest();

describe("a PostgreSQL server's CPU, from /proc", () => {
  it('finds the postmaster of a server on this machine and sees the CPU its backends spend', async () => {
    const pid = await findServerPid(postgres.url);
    expect(pid).not.toBeNull();
    const window = cpuWindow([processTreeMeter(pid!)]);
    window.start();
    // Work done in a backend, not in this process: a few million rows counted.
    await postgres.db.execute('SELECT count(*) FROM generate_series(1, 5000000)');
    const [spent] = window.stop();
    // Counting 5 million rows takes a few hundred ms of CPU: well over a few ticks.
    expect(spent).toBeGreaterThanOrEqual(50);
  });
});
