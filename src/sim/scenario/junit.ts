import type { Builder } from 'junit-report-builder';
import * as junit from 'junit-report-builder';
import { formatFailure, type RunSummary } from './report.js';

/**
 * JUnit XML for CI systems, written with junit-report-builder (escaping, CDATA splitting): one
 * test suite per scenario, one test case per step (the setup included), a failure carrying
 * the diff and event log, skipped steps as skipped.
 */
export function toJUnitXml(summary: RunSummary, name = 'scenarios'): string {
  // The package is CommonJS whose module.exports is the builder; its types describe `default`.
  const root = (
    (junit as unknown as { default?: Builder }).default ?? (junit as unknown as Builder)
  ).newBuilder();
  root.name(name);
  for (const scenario of summary.scenarios) {
    const suite = root
      .testSuite()
      .name(scenario.name)
      .timestamp(scenario.startedAt)
      .time(seconds(scenario.durationMs))
      .property('target', scenario.target);
    if (scenario.file !== undefined) suite.property('file', scenario.file);
    const className = scenario.file ?? scenario.name;
    if (scenario.error !== undefined) {
      suite
        .testCase()
        .className(className)
        .name('scenario')
        .error(errorMessage(scenario.error), 'ScenarioError', scenario.error);
    }
    for (const step of scenario.steps) {
      const test = suite
        .testCase()
        .className(className)
        .name(step.index === 0 ? step.label : `${step.index} ${step.label}`)
        .time(seconds(step.durationMs));
      if (step.outcome === 'skipped') test.skipped();
      if (step.outcome === 'failed') {
        const lines = formatFailure(step, '');
        test.failure(lines[0] ?? 'failed', 'ScenarioStepFailure').stacktrace(lines.join('\n'));
      }
    }
  }
  return root.build();
}

/**
 * The attribute CI systems show: an error whose first line only introduces a list
 * (`invalid scenario:`) is summed up with its first reason and how many follow.
 */
function errorMessage(error: string): string {
  const [first = '', ...rest] = error.split('\n').filter((line) => line.trim() !== '');
  if (!first.endsWith(':') || rest.length === 0) return first;
  return `${first} ${rest[0]}${rest.length > 1 ? ` (and ${rest.length - 1} more)` : ''}`;
}

const seconds = (ms: number) => Math.round(ms) / 1000;
