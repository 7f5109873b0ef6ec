/**
 * CPU time of a process tree, read from /proc: what a PostgreSQL server (the postmaster and
 * every backend and worker it forked) spent while a measured window lasted. The server's own
 * process is measured with `process.cpuUsage()` instead (bench/lib/load.ts): the bench process
 * is also the parent of the load client, whose CPU must not count as the server's.
 *
 * Linux only. Times in /proc/<pid>/stat are in clock ticks (`getconf CLK_TCK`, 100 on Linux).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The fields of /proc/<pid>/stat that a tree's CPU needs. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** Ticks in user and kernel mode. */
  utime: number;
  stime: number;
  /** Ticks of the children it has waited for (and theirs), in user and kernel mode. */
  cutime: number;
  cstime: number;
}

/**
 * Parses one /proc/<pid>/stat line. The second field, the command name in parentheses, may
 * itself hold spaces and parentheses (`postgres: bench (idle)` is not, but a process may name
 * itself anything), so the fields are counted from the last `)`.
 */
export function parseProcStat(line: string): ProcStat {
  const close = line.lastIndexOf(')');
  if (close === -1) throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  const pid = Number(line.slice(0, line.indexOf(' ')));
  // After ") ": state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17), 1-based in proc(5).
  const rest = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number) => {
    const value = Number(rest[n - 3]);
    if (!Number.isInteger(value)) throw new Error(`field ${n} of /proc/${pid}/stat is not a number`);
    return value;
  };
  return { pid, ppid: field(4), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
}

/** Every process's stat now; a process that exits while it is read is left out. */
export function readAllProcStats(procDir = '/proc'): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.push(parseProcStat(readFileSync(path.join(procDir, entry, 'stat'), 'utf8')));
    } catch {
      // Gone between the listing and the read (a backend ending): its time is in its
      // parent's cutime/cstime once reaped.
    }
  }
  return stats;
}

/** The parent of `pid`, or null when it is not there (exited, or another machine's). */
export function parentPid(pid: number, procDir = '/proc'): number | null {
  try {
    return parseProcStat(readFileSync(path.join(procDir, String(pid), 'stat'), 'utf8')).ppid;
  } catch {
    return null;
  }
}

/**
 * Ticks spent by `root` and its descendants alive now, plus those of the descendants they
 * have already reaped: a process's cutime/cstime holds what its waited-for children spent
 * (and their children), so a backend that ended during the window still counts, through its
 * parent. Null when `root` is not running.
 */
export function treeTicks(root: number, stats: ProcStat[]): number | null {
  const children = new Map<number, ProcStat[]>();
  let rootStat: ProcStat | undefined;
  for (const stat of stats) {
    if (stat.pid === root) rootStat = stat;
    const siblings = children.get(stat.ppid);
    if (siblings === undefined) children.set(stat.ppid, [stat]);
    else siblings.push(stat);
  }
  if (rootStat === undefined) return null;
  let ticks = 0;
  const pending = [rootStat];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const stat = pending.pop()!;
    if (seen.has(stat.pid)) continue;
    seen.add(stat.pid);
    ticks += stat.utime + stat.stime + stat.cutime + stat.cstime;
    pending.push(...(children.get(stat.pid) ?? []));
  }
  return ticks;
}

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK` (asked once); 100, Linux's value everywhere, if getconf is missing. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const answer = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(answer) && answer > 0 ? answer : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Milliseconds of CPU `root`'s tree has spent so far; null when it is not running. */
export function treeCpuMs(root: number, procDir = '/proc', hz = clockTicksPerSecond()): number | null {
  const ticks = treeTicks(root, readAllProcStats(procDir));
  return ticks === null ? null : (ticks * 1000) / hz;
}

/** Something whose CPU a measured window reads at its start and at its end. */
export interface CpuMeter {
  /** CPU milliseconds so far; null when it cannot be read (the process is gone). */
  read(): number | null;
}

/** The CPU of a process tree (a PostgreSQL server's postmaster and everything it forked). */
export function processTreeMeter(root: number, procDir = '/proc'): CpuMeter {
  const hz = clockTicksPerSecond();
  return { read: () => treeCpuMs(root, procDir, hz) };
}

/** This process's own CPU (every thread of it; not its children). */
export const ownProcessMeter: CpuMeter = {
  read: () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  },
};

/** A measured window's CPU: each meter read at `start()`, again at `stop()`. */
export interface CpuWindow {
  start(): void;
  /** Milliseconds each meter spent since `start()`; null for one that could not be read. */
  stop(): Array<number | null>;
}

export function cpuWindow(meters: CpuMeter[]): CpuWindow {
  let before: Array<number | null> | null = null;
  return {
    start() {
      before = meters.map((m) => m.read());
    },
    stop() {
      if (before === null) throw new Error('the CPU window was stopped before it started');
      const startedWith = before;
      return meters.map((m, i) => {
        const end = m.read();
        const begin = startedWith[i];
        return end === null || begin === null || begin === undefined ? null : end - begin;
      });
    },
  };
}
