import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseScenarioText, ScenarioParseError } from './parse.js';
import { type RunSummary, type ScenarioReport, summarise } from './report.js';
import { type RunOptions, runScenario } from './runner.js';

/** Scenario files and folders: folders are searched for `*.yaml` / `*.yml`, sorted by path. */
export async function collectScenarioFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const entry of paths) {
    const info = await stat(entry);
    if (info.isDirectory()) {
      const found = (await readdir(entry, { recursive: true }))
        .filter((name) => /\.ya?ml$/i.test(name))
        .map((name) => path.join(entry, name))
        .sort();
      files.push(...found);
    } else files.push(entry);
  }
  return files;
}

/** Loads and runs each file in turn; a file that does not parse is a failed scenario. */
export async function runScenarioFiles(
  files: string[],
  options: Omit<RunOptions, 'file'>,
): Promise<RunSummary> {
  const started = performance.now();
  const reports: ScenarioReport[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    let scenario: ReturnType<typeof parseScenarioText>;
    try {
      scenario = parseScenarioText(text, file);
    } catch (error) {
      const report = invalidScenario(file, error, options.target.description);
      options.onProgress?.({ type: 'scenario', name: report.name, file });
      options.onProgress?.({ type: 'done', report });
      reports.push(report);
      continue;
    }
    reports.push(await runScenario(scenario, { ...options, file }));
  }
  return summarise(reports, performance.now() - started);
}

function invalidScenario(file: string, error: unknown, target: string): ScenarioReport {
  return {
    name: path.basename(file).replace(/\.ya?ml$/i, ''),
    file,
    target,
    passed: false,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    notes: [],
    error: error instanceof ScenarioParseError ? `invalid scenario:\n${error.message}` : String(error),
    steps: [],
  };
}
