import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CpuMeter,
  cpuWindow,
  parseProcStat,
  processTreeMeter,
  readAllProcStats,
  treeCpuMs,
  treeTicks,
} from '../../../bench/lib/cpu.js';

/** A /proc/<pid>/stat line as Linux writes it: the times at fields 14–17 (proc(5), from 1). */
function statLine(pid: number, comm: string, ppid: number, times: [number, number, number, number]): string {
  const fields = [
    'S',
    String(ppid),
    ...Array.from({ length: 9 }, (_, i) => String(i + 100)),
    ...times.map(String),
  ];
  while (fields.length < 50) fields.push('0');
  return `${pid} (${comm}) ${fields.join(' ')}\n`;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fake /proc with these processes: [pid, ppid, utime, stime, cutime, cstime]. */
function fakeProc(processes: Array<[number, number, number, number, number, number]>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-proc-'));
  dirs.push(dir);
  for (const [pid, ppid, ...times] of processes) {
    mkdirSync(path.join(dir, String(pid)));
    writeFileSync(path.join(dir, String(pid), 'stat'), statLine(pid, `p${pid}`, ppid, times));
  }
  // Not processes: skipped.
  mkdirSync(path.join(dir, 'self'));
  writeFileSync(path.join(dir, 'uptime'), '1.0 2.0\n');
  return dir;
}

describe('parseProcStat', () => {
  it('reads ppid and the four times, counting fields from the last parenthesis', () => {
    const line = statLine(4242, 'postgres: bench (x) y) z', 17, [1234, 56, 7, 8]);
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      ppid: 17,
      utime: 1234,
      stime: 56,
      cutime: 7,
      cstime: 8,
    });
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseProcStat('hello')).toThrow(/not a \/proc/);
    expect(() => parseProcStat('12 (x) S notanumber')).toThrow(/field 4/);
  });
});

describe('treeTicks', () => {
  const procs: Array<[number, number, number, number, number, number]> = [
    [1, 0, 1_000, 1_000, 0, 0], // init: not in the tree
    [100, 1, 10, 5, 40, 2], // postmaster; 42 ticks of reaped backends
    [101, 100, 3, 1, 0, 0], // checkpointer
    [102, 100, 200, 20, 0, 0], // a backend
    [103, 102, 7, 0, 0, 0], // a child of a backend
    [200, 1, 500, 500, 0, 0], // someone else
  ];

  it('sums the root, its descendants and what they reaped, nothing else', () => {
    const stats = readAllProcStats(fakeProc(procs));
    expect(stats).toHaveLength(procs.length);
    expect(treeTicks(100, stats)).toBe(10 + 5 + 40 + 2 + 3 + 1 + 200 + 20 + 7);
    expect(treeTicks(102, stats)).toBe(227);
  });

  it('is null when the root is not running', () => {
    expect(treeTicks(999, readAllProcStats(fakeProc(procs)))).toBeNull();
  });

  it('converts ticks to milliseconds at the clock rate', () => {
    const dir = fakeProc(procs);
    expect(treeCpuMs(102, dir, 100)).toBe(2_270);
    expect(treeCpuMs(102, dir, 1_000)).toBe(227);
    expect(treeCpuMs(999, dir, 100)).toBeNull();
  });

  it('leaves out an entry it cannot read', () => {
    const dir = fakeProc(procs);
    writeFileSync(path.join(dir, '101', 'stat'), 'garbage');
    expect(treeTicks(100, readAllProcStats(dir))).toBe(10 + 5 + 40 + 2 + 200 + 20 + 7);
  });
});

describe('cpuWindow', () => {
  it('answers what each meter spent between start and stop, null for one it could not read', () => {
    const readings = [10, 25, 7, 7];
    let at = 0;
    const counting: CpuMeter = { read: () => readings[at++] ?? null };
    let gone = false;
    const vanishing: CpuMeter = { read: () => (gone ? null : 3) };
    const window = cpuWindow([counting, vanishing]);
    window.start();
    gone = true;
    expect(window.stop()).toEqual([15, null]);
    window.start();
    expect(window.stop()).toEqual([0, null]);
  });

  it('must be started before it is stopped', () => {
    expect(() => cpuWindow([]).stop()).toThrow(/before it started/);
  });

  it('sees CPU this process spends, from the real /proc', () => {
    const window = cpuWindow([processTreeMeter(process.pid)]);
    window.start();
    const until = process.cpuUsage().user + 100_000;
    let spin = 0;
    while (process.cpuUsage().user < until) spin++;
    const [spent] = window.stop();
    expect(spin).toBeGreaterThan(0);
    // 100 ms of user time, read at a 10 ms tick.
    expect(spent).toBeGreaterThanOrEqual(80);
  });
});
