/**
 * Load profiles, record and replay: see USAGE. Profiles and replays write
 * bench/results/<name>-<timestamp>.{json,html} and bench/results/<name>-latest.{json,html}
 * (git-ignored). See bench/load/*.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordingTarget } from '../bench/load/capture.js';
import { parseLoadArgs, USAGE, UsageError } from '../bench/load/cli-args.js';
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

let args: ReturnType<typeof parseLoadArgs>;
try {
  args = parseLoadArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const out = args.out ?? RESULTS;

function save(report: LoadReport, name: string) {
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const files = writeReport(report, out, `${name}-${stamp}`);
  writeReport(report, out, `${name}-latest`);
  console.log(`wrote ${files.json}\nwrote ${files.html}`);
}

if (args.record && args.scenario) {
  // Capture: run the scenarios against the target (in-process without --url) and write down
  // the route, SMS and call requests they send. Replay them against the service that holds the
  // data the scenarios created, i.e. record with the same --url.
  const target = args.url ? urlTarget(args.url, args.key) : inProcessTarget(buildApp);
  const lines: RecordLine[] = [];
  const recording = recordingTarget(target, lines);
  for (const file of scenarioFiles(args.scenario)) {
    const report = await runScenario(parseScenarioText(readFileSync(file, 'utf8'), file), {
      target: recording,
      file,
    });
    console.log(`${report.passed ? '✓' : '✗'} ${report.name} (${file})`);
  }
  writeRecordFile(args.record, lines);
  console.log(
    `recorded ${lines.length} requests in ${new Set(lines.map((l) => l.flow)).size} flows to ${args.record}`,
  );
} else if (args.record && args.url) {
  const lines = await recordTraffic({
    url: args.url,
    key: args.key,
    durationSeconds: args.duration ?? 60,
    rate: args.rate ?? 200,
    seed: args.seed,
    maxGroups: args.groups,
  });
  writeRecordFile(args.record, lines);
  console.log(
    `recorded ${lines.length} requests in ${new Set(lines.map((l) => l.flow)).size} flows to ${args.record}`,
  );
} else if (args.replay && args.url) {
  const lines = readRecordFile(args.replay);
  const report = await replayRecords({
    url: args.url,
    key: args.key,
    lines,
    rate: args.rate ?? 200,
    durationSeconds: args.duration ?? 10,
    connections: args.connections ?? 50,
    warmupSeconds: args.warmup ?? 0,
    progress: process.stderr.isTTY === true,
    source: path.basename(args.replay),
  });
  for (const c of report.cases) console.log(caseLine(c));
  for (const e of report.cases[0]?.result.endpoints ?? [])
    console.log(
      `  ${e.name.padEnd(20)} ${e.requests} requests, non-2xx ${e.non2xx}, p50 ${e.latencyMs.p50} p99 ${e.latencyMs.p99} ms`,
    );
  save(report, 'load-replay');
} else {
  const report = await runLoadProfiles({
    durationSeconds: args.duration ?? 10,
    warmupSeconds: args.warmup ?? 2,
    connections: args.connections ?? 50,
    rate: args.rate ?? 2_000,
    members: args.members ?? 20_000,
    only: args.only,
    progress: process.stderr.isTTY === true,
  });
  save(report, 'load-profiles');
}
