import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killStartedServers, SERVER, startServer, stopServer } from '../helpers/server-process.js';

/**
 * End to end: the built server (`npm run build` runs before vitest in `npm test`) started as
 * a real process on a free port, called over HTTP, stopped with SIGTERM.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'telecom-e2e-'));
const start = (env: Record<string, string>) => startServer({ DATA_DIR: dataDir, CLOCK: 'simulated', ...env });
const stop = stopServer;

afterAll(() => {
  killStartedServers();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the built server as a process', () => {
  it('refuses to start on a DATABASE_URL (PostgreSQL is not served yet) instead of writing to SQLite', () => {
    const ownDir = path.join(dataDir, 'postgres-refused');
    const run = spawnSync(process.execPath, [SERVER], {
      env: {
        ...process.env,
        DATA_DIR: ownDir,
        PORT: '0',
        DATABASE_URL: 'postgres://sim:secret@db.invalid:5432/sim',
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL is set, but this version keeps its data in SQLite only');
    expect(run.stderr).not.toContain('secret');
    expect(existsSync(ownDir)).toBe(false);
  });

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
    // A partner key, stored under the HMAC secret generated beside the admin key (not printed).
    const partner = (await (
      await fetch(`${first.url}/v1/api-keys`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: 'crm', groupIds: [group.id] }),
      })
    ).json()) as { key: string };
    const secret = readFileSync(path.join(dataDir, 'api-key-hmac-secret'), 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(first.output()).not.toContain(secret);

    expect(await stop(first)).toBe(0);

    const second = await start({});
    // The key is printed only when it is generated.
    expect(second.output()).not.toContain(adminKey);
    const fetched = await fetch(`${second.url}/v1/groups/${group.id}`, { headers: auth });
    expect(fetched.status).toBe(200);
    expect(((await fetched.json()) as { name: string }).name).toBe('河北测试集团');
    const asPartner = await fetch(`${second.url}/v1/groups/${group.id}`, {
      headers: { authorization: `Bearer ${partner.key}` },
    });
    expect(asPartner.status).toBe(200);
    expect(await stop(second)).toBe(0);
    // Two start-ups of the built server: beside the suite's other processes on 2 cores, more
    // than the default 20 s can pass.
  }, 60_000);

  it('refuses to start on an invalid variable, naming it', async () => {
    await expect(start({ CLOCK: 'sundial' })).rejects.toThrow(/CLOCK/);
  });
});
