/**
 * npm run scenario -- <files or folders> [--url URL --key KEY] [--junit FILE] [--json FILE]
 *
 * Runs scenario files: by default each in a fresh in-process app (in-memory database, simulated
 * clock); with --url against a running service (its API key in --key or SCENARIO_API_KEY).
 * Prints one line per scenario and step, the diff of a failure, and a summary; writes JUnit XML
 * with --junit. Exit code 0 only when every scenario passed (1: a failure, 2: a usage error).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toJUnitXml } from '../src/sim/scenario/junit.js';
import {
  formatFailure,
  formatScenarioHeader,
  formatScenarioResult,
  formatStepLine,
  formatSummary,
} from '../src/sim/scenario/report.js';
import type { ProgressEvent } from '../src/sim/scenario/runner.js';
import { collectScenarioFiles, runScenarioFiles } from '../src/sim/scenario/suite.js';
import { inProcessTarget, urlTarget } from '../src/sim/scenario/transport.js';

const USAGE = `usage: npm run scenario -- <files or folders> [--url URL --key KEY] [--junit FILE] [--json FILE]
  --url URL     run against a running service (default: a fresh in-process app per scenario)
  --key KEY     its API key (or SCENARIO_API_KEY)
  --junit FILE  write JUnit XML
  --json FILE   write the full report as JSON
  --quiet       print failures and the summary only`;

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  usage(error instanceof Error ? error.message : String(error));
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (positionals.length === 0) usage('name at least one scenario file or folder');
const key = values.key ?? process.env.SCENARIO_API_KEY;
if (values.url !== undefined && key === undefined) usage('--url needs --key (or SCENARIO_API_KEY)');

let files: string[];
try {
  files = await collectScenarioFiles(positionals);
} catch (error) {
  usage(error instanceof Error ? error.message : String(error));
}
if (files.length === 0) usage(`no scenario files (*.yaml, *.yml) in ${positionals.join(', ')}`);

// The app is loaded only when it runs in-process (and not for a usage error).
const target =
  values.url === undefined
    ? inProcessTarget((await import('../src/app.js')).buildApp)
    : urlTarget(values.url, key!);
const out = (line: string) => process.stdout.write(`${line}\n`);
const quiet = values.quiet;

function progress(event: ProgressEvent): void {
  if (event.type === 'scenario') {
    if (!quiet) out(formatScenarioHeader(event));
    return;
  }
  if (event.type === 'step') {
    if (!quiet || event.step.outcome === 'failed') out(`  ${formatStepLine(event.step)}`);
    if (event.step.outcome === 'failed') for (const line of formatFailure(event.step)) out(line);
    return;
  }
  const { report } = event;
  for (const note of report.notes) if (!quiet) out(`  note: ${note}`);
  if (report.error !== undefined) for (const line of report.error.split('\n')) out(`  ${line}`);
  out(formatScenarioResult(report));
  if (!quiet) out('');
}

out(
  `running ${files.length} scenario file(s) ${values.url === undefined ? 'in-process' : `against ${values.url}`}\n`,
);
const summary = await runScenarioFiles(files, { target, onProgress: progress });
out(formatSummary(summary));

if (values.junit !== undefined) {
  await mkdir(path.dirname(path.resolve(values.junit)), { recursive: true });
  await writeFile(values.junit, toJUnitXml(summary), 'utf8');
  out(`JUnit XML written to ${values.junit}`);
}
if (values.json !== undefined) {
  await mkdir(path.dirname(path.resolve(values.json)), { recursive: true });
  await writeFile(values.json, `${JSON.stringify(summary, null, 2)}\n`, 'utf8');
  out(`JSON report written to ${values.json}`);
}
process.exitCode = summary.passed ? 0 : 1;
