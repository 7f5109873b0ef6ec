/**
 * A CPU profile of this process over a stretch of work (the V8 sampling profiler through the
 * inspector), summarised as self time by where the code lives: a package under node_modules, a
 * file of the project, Node's internals, or the engine itself (GC, native code).
 */
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileShare {
  name: string;
  /** Share of the non-idle CPU samples, in percent. */
  percent: number;
}

export interface ProfileSummary {
  /** Busy (non-idle) share of the profiled wall time, in percent. */
  busyPercent: number;
  byPlace: ProfileShare[];
  topFunctions: ProfileShare[];
}

function placeOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'V8 garbage collector';
    if (functionName === '(program)') return 'V8/native (program)';
    if (functionName === '(idle)') return '(idle)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const src = url.search(/\/(src|db|bench)\//);
  return src >= 0 ? url.slice(src + 1) : url;
}

export function summarise(profile: Profile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const place = new Map<string, number>();
  const fn = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = placeOf(url, functionName);
    if (where === '(idle)') {
      idle += count;
      continue;
    }
    busy += count;
    place.set(where, (place.get(where) ?? 0) + count);
    const name = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + count);
  }
  const shares = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => ({ name, percent: Math.round((count / busy) * 1000) / 10 }));
  return {
    busyPercent: Math.round((busy / Math.max(1, busy + idle)) * 1000) / 10,
    byPlace: shares(place),
    topFunctions: shares(fn).slice(0, top),
  };
}

/** Profiles this process while `work` runs. */
export async function profileWhile<T>(
  work: () => Promise<T>,
): Promise<{ result: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    const result = await work();
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    return { result, summary: summarise(profile) };
  } finally {
    session.disconnect();
  }
}

export function printProfile(
  profile: ProfileSummary,
  title = 'the route server',
  log: (line: string) => void = console.log,
) {
  log(`\nCPU profile of ${title} (busy ${profile.busyPercent} % of the sampled time), self time by place:`);
  console.table(profile.byPlace.slice(0, 15).map((p) => ({ place: p.name, '%': p.percent })));
  log('top functions by self time:');
  console.table(profile.topFunctions.map((p) => ({ function: p.name, '%': p.percent })));
}

/** A profiled run with the server CPU it used per request (all threads, from `process.cpuUsage`). */
export interface ProfiledRun {
  summary: ProfileSummary;
  cpuMicrosecondsPerRequest: number;
}

/** One place's cost per request in two profiled runs, and the difference (measured − reference). */
export interface PlaceCost {
  place: string;
  microseconds: number;
  referenceMicroseconds: number;
  difference: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Two profiled runs compared in microseconds per request: each place's share of the sampled
 * busy time, times its run's server CPU per request. Shares are of the main thread's samples
 * while the CPU figure counts every thread, so a place's figure is an estimate; but both sides
 * are read the same way in the same run, so the differences show where the measured side
 * spends more, whatever the machine's speed was at the time (which req/s alone cannot say).
 * Sorted by difference, largest first; `top` rows, and a last row for the rest. Places that
 * neither side was sampled in are left out.
 */
export function compareByPlace(measured: ProfiledRun, reference: ProfiledRun, top = 15): PlaceCost[] {
  const perRequest = (run: ProfiledRun) =>
    new Map(run.summary.byPlace.map((p) => [p.name, (p.percent / 100) * run.cpuMicrosecondsPerRequest]));
  const a = perRequest(measured);
  const b = perRequest(reference);
  // Places sampled on neither side (a share that rounds to 0 %) would only pad the table.
  const places = [...new Set([...a.keys(), ...b.keys()])].filter((place) => a.get(place) || b.get(place));
  const rows = places.map((place) => {
    const microseconds = a.get(place) ?? 0;
    const referenceMicroseconds = b.get(place) ?? 0;
    return { place, microseconds, referenceMicroseconds, difference: microseconds - referenceMicroseconds };
  });
  rows.sort((x, y) => y.difference - x.difference || x.place.localeCompare(y.place));
  const shown = rows.slice(0, top);
  const rest = rows.slice(top);
  if (rest.length > 0) {
    const sum = (pick: (r: PlaceCost) => number) => rest.reduce((total, r) => total + pick(r), 0);
    shown.push({
      place: `(${rest.length} other places)`,
      microseconds: sum((r) => r.microseconds),
      referenceMicroseconds: sum((r) => r.referenceMicroseconds),
      difference: sum((r) => r.difference),
    });
  }
  return shown.map((r) => ({
    place: r.place,
    microseconds: round2(r.microseconds),
    referenceMicroseconds: round2(r.referenceMicroseconds),
    difference: round2(r.difference),
  }));
}

export function printPlaceCosts(
  rows: readonly PlaceCost[],
  names: { measured: string; reference: string },
  title: string,
  log: (line: string) => void = console.log,
) {
  log(`\n${title}: µs per request by place (profile share × server CPU per request)`);
  console.table(
    rows.map((r) => ({
      place: r.place,
      [names.measured]: r.microseconds,
      [names.reference]: r.referenceMicroseconds,
      difference: r.difference,
    })),
  );
}
