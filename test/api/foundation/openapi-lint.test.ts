import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { createTestApp } from '../../helpers/app.js';

/**
 * The served document passes Redocly's recommended rules (redocly.yaml says which do not apply
 * and why), warnings included: an invalid example is only a warning to Redocly.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'openapi-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
}

it('GET /openapi.json is lint clean under redocly recommended', { timeout: 60_000 }, async () => {
  const t = await createTestApp();
  const res = await t.call({ method: 'GET', url: '/openapi.json', key: null });
  await t.close();
  const file = path.join(dir, 'openapi.json');
  writeFileSync(file, res.body);

  const cli = path.resolve('node_modules/@redocly/cli/bin/cli.js');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli, 'lint', file, '--config', path.resolve('redocly.yaml'), '--format', 'json'],
    {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(stdout) as LintReport;
  const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
  expect(problems).toEqual([]);
  expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
});
