/**
 * Load profiles, record and replay.
 *
 *   npm run bench:load [-- --duration S --warmup S --connections C --rate N --members N --only route,call]
 *   npm run load -- --record FILE --url U --key K [--duration S --rate N --seed N --groups N]
 *   npm run load -- --record FILE --scenario FILE_OR_DIR [--url U --key K]
 *   npm run load -- --replay FILE --url U [--key K] --rate N --duration S [--connections C --warmup S]
 *
 * Profiles and replays write bench/results/<name>-<timestamp>.{json,html} and
 * bench/results/<name>-latest.{json,html} (git-ignored). See bench/load/*.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { recordingTarget } from '../bench/load/capture.js';
import { runLoadProfiles } from '../bench/load/profiles.js';
import { type RecordLine, readRecordFile, writeRecordFile } from '../bench/load/record-file.js';
import { recordTraffic, replayRecords } from '../bench/load/replay.js';
import { caseLine, type LoadReport, writeReport } from '../bench/load/report.js';

import { buildApp } from '../src/app.js';
import { parseScenarioText } from '../src/sim/scenario/parse.js';
import { runScenario } from '../src/sim/scenario/runner.js';
import { inProcessTarget, urlTarget } from '../src/sim/scenario/transport.js';

/** Scenario files named, or the `.yaml`/`.yml` files of folders named, in name order. */
function scenarioFiles(paths: string[]): string[] {
  return paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => path.join(p, f))
      : [p],
  );
}

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'results');

const { values } = parseArgs({
  options: {
    profiles: { type: 'boolean', default: false },
    record: { type: 'string' },
    scenario: { type: 'string', multiple: true },
    replay: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string', default: process.env.ADMIN_API_KEY ?? '' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rate: { type: 'string' },
    connections: { type: 'string' },
    members: { type: 'string' },
    only: { type: 'string' },
    seed: { type: 'string', default: '1' },
    groups: { type: 'string', default: '50' },
    out: { type: 'string', default: RESULTS },
  },
});

function num(name: string, value: string | undefined, fallback: number, min = Number.MIN_VALUE): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new Error(
      `--${name} must be ${min === Number.MIN_VALUE ? 'a positive number' : `a number ≥ ${min}`}, not ${value}`,
    );
  return n;
}

function save(report: LoadReport, name: string) {
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const files = writeReport(report, values.out, `${name}-${stamp}`);
  writeReport(report, values.out, `${name}-latest`);
  console.log(`wrote ${files.json}\nwrote ${files.html}`);
}

if (values.record && values.scenario) {
  // Capture: run the scenarios against the target (in-process without --url) and write down
  // the route, SMS and call requests they send. Replay them against the service that holds the
  // data the scenarios created, i.e. record with the same --url.
  const target = values.url ? urlTarget(values.url, values.key) : inProcessTarget(buildApp);
  const lines: RecordLine[] = [];
  const recording = recordingTarget(target, lines);
  for (const file of scenarioFiles(values.scenario)) {
    const report = await runScenario(parseScenarioText(readFileSync(file, 'utf8'), file), {
      target: recording,
      file,
    });
    console.log(`${report.passed ? '✓' : '✗'} ${report.name} (${file})`);
  }
  writeRecordFile(values.record, lines);
  console.log(
    `recorded ${lines.length} requests in ${new Set(lines.map((l) => l.flow)).size} flows to ${values.record}`,
  );
} else if (values.record) {
  if (!values.url) throw new Error('--record needs --url (and --key) of the service to read members from');
  const lines = await recordTraffic({
    url: values.url,
    key: values.key,
    durationSeconds: num('duration', values.duration, 60),
    rate: num('rate', values.rate, 200),
    seed: num('seed', values.seed, 1),
    maxGroups: num('groups', values.groups, 50),
  });
  writeRecordFile(values.record, lines);
  console.log(
    `recorded ${lines.length} requests in ${new Set(lines.map((l) => l.flow)).size} flows to ${values.record}`,
  );
} else if (values.replay) {
  if (!values.url) throw new Error('--replay needs --url of the target');
  const lines = readRecordFile(values.replay);
  const report = await replayRecords({
    url: values.url,
    key: values.key,
    lines,
    rate: num('rate', values.rate, 200),
    durationSeconds: num('duration', values.duration, 10),
    connections: num('connections', values.connections, 50),
    warmupSeconds: num('warmup', values.warmup, 0, 0),
    progress: process.stderr.isTTY === true,
    source: path.basename(values.replay),
  });
  for (const c of report.cases) console.log(caseLine(c));
  for (const e of report.cases[0]?.result.endpoints ?? [])
    console.log(
      `  ${e.name.padEnd(20)} ${e.requests} requests, non-2xx ${e.non2xx}, p50 ${e.latencyMs.p50} p99 ${e.latencyMs.p99} ms`,
    );
  save(report, 'load-replay');
} else {
  const report = await runLoadProfiles({
    durationSeconds: num('duration', values.duration, 10),
    warmupSeconds: num('warmup', values.warmup, 2, 0),
    connections: num('connections', values.connections, 50),
    rate: num('rate', values.rate, 2_000),
    members: num('members', values.members, 20_000),
    only: values.only ? values.only.split(',') : [],
    progress: process.stderr.isTTY === true,
  });
  save(report, 'load-profiles');
}
