import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** `npm run scenario` as CI runs it: scripts/scenario.ts in a child process (tsx). */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHIPPED = readdirSync(path.join(ROOT, 'scenarios')).filter((name) => /\.ya?ml$/.test(name)).length;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/scenario.ts', ...args],
      { cwd: ROOT, timeout: 90_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'scenario-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run scenario', () => {
  it('runs the shipped folder in-process, prints progress, writes JUnit and exits 0', {
    timeout: 90_000,
  }, async () => {
    const junit = path.join(dir, 'reports', 'scenarios.xml');
    const { code, stdout } = await cli(['scenarios', '--junit', junit]);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain(`running ${SHIPPED} scenario file(s) in-process`);
    expect(stdout).toContain('  ✓ setup (');
    expect(stdout).toMatch(/✓ Switchboard operator transfer \(人工话务台\): passed, 10\/10 steps run/);
    expect(stdout).toMatch(
      new RegExp(`^${SHIPPED} passed, 0 failed \\(${SHIPPED} scenario\\(s\\), \\d+ steps, `, 'm'),
    );
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="scenarios" tests="\d+" failures="0" errors="0" skipped="0">/);
    expect(xml.match(/<testsuite /g)).toHaveLength(SHIPPED);
  });

  it('exits non-zero on a failing scenario and prints its diff', { timeout: 90_000 }, async () => {
    writeFileSync(
      path.join(dir, 'wrong.yaml'),
      `name: wrong on purpose
setup:
  groups:
    g:
      name: 华北电力
      vpn: {}
      members:
        wang: { msisdn: '13803110001', name: 王明, shortCode: '601' }
        li: { msisdn: '13803110002', name: 李华, shortCode: '602' }
steps:
  - call: { from: wang, to: '602' }
    expect: { callType: offnet }
`,
    );
    const junit = path.join(dir, 'out.xml');
    const { code, stdout } = await cli([dir, '--junit', junit]);
    expect(code).toBe(1);
    expect(stdout).toContain('✗ 1 call wang → 602');
    expect(stdout).toContain('    callType: expected "offnet", got "vpn_short"');
    expect(stdout).toContain('    event log of call_');
    expect(stdout).toContain('0 passed, 1 failed');
    expect(readFileSync(junit, 'utf8')).toContain('failures="1"');
  });

  it('exits 2 on a usage error', { timeout: 90_000 }, async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name at least one scenario file or folder');
    const noKey = await cli(['scenarios', '--url', 'http://127.0.0.1:9']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--url needs --key');
  });
});
