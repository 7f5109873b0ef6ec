import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

/**
 * End to end: the built server (`npm run build` runs before vitest in `npm test`) started as
 * a real process on a free port, called over HTTP, stopped with SIGTERM.
 */
const SERVER = path.resolve('dist/src/server.js');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'telecom-e2e-'));
const children: ChildProcess[] = [];

const start = (env: Record<string, string>) =>
  startServer(process.execPath, [SERVER], { DATA_DIR: dataDir, ...env }, children);

function stop(running: ServerProcess): Promise<number | null> {
  running.child.kill('SIGTERM');
  return running.exited;
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the built server as a process', () => {
  it('generates and prints the admin key once, serves the API, and keeps data across a graceful restart', async () => {
    expect(existsSync(SERVER), 'run `npm run build` first').toBe(true);
    const first = await start({});
    const keyFile = path.join(dataDir, 'admin-api-key');
    const adminKey = readFileSync(keyFile, 'utf8').trim();
    expect(first.output()).toContain(adminKey);
    const auth = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };

    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${first.url}/v1/groups`)).status).toBe(401);

    const created = await fetch(`${first.url}/v1/groups`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: '河北测试集团',
        institutionType: 'enterprise',
        valueTier: 'B1',
        province: 'CN-HE',
      }),
    });
    expect(created.status).toBe(201);
    const group = (await created.json()) as { id: string; name: string };
    expect(group.name).toBe('河北测试集团');

    expect(await stop(first)).toBe(0);

    const second = await start({});
    // The key is printed only when it is generated.
    expect(second.output()).not.toContain(adminKey);
    const fetched = await fetch(`${second.url}/v1/groups/${group.id}`, { headers: auth });
    expect(fetched.status).toBe(200);
    expect(((await fetched.json()) as { name: string }).name).toBe('河北测试集团');
    expect(await stop(second)).toBe(0);
  });

  it('refuses to start on an invalid variable, naming it', async () => {
    await expect(start({ CLOCK: 'sundial' })).rejects.toThrow(/CLOCK/);
  });
});
