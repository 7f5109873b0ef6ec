import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { killStartedServers, SERVER, startServer, stopServer } from '../helpers/server-process.js';

/**
 * End to end: the built server (`npm run build` runs before vitest in `npm test`) started as
 * a real process on a free port, called over HTTP, stopped with SIGTERM.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'telecom-e2e-'));
const start = (env: Record<string, string>) => startServer({ DATA_DIR: dataDir, CLOCK: 'simulated', ...env });
const stop = stopServer;
const PG_ADMIN_KEY = 'e2e-postgres-admin-key-0123456789';

afterAll(() => {
  killStartedServers();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the built server as a process', () => {
  it('runs on PostgreSQL from DATABASE_URL: migrates an empty database, serves, keeps data across a restart', async () => {
    const database = await createTestDatabase();
    try {
      const env = {
        DATA_DIR: path.join(dataDir, 'on-postgres'),
        DATABASE_URL: database.url,
        ADMIN_API_KEY: PG_ADMIN_KEY,
      };
      const auth = { authorization: `Bearer ${PG_ADMIN_KEY}`, 'content-type': 'application/json' };
      const first = await start(env);
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
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
      const group = (await created.json()) as { id: string };
      expect(await stop(first)).toBe(0);
      // Nothing went to a SQLite file: the data directory holds the secrets only.
      expect(existsSync(path.join(env.DATA_DIR, 'service.sqlite'))).toBe(false);

      const second = await start(env);
      const read = await fetch(`${second.url}/v1/groups/${group.id}`, { headers: auth });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { name: string }).name).toBe('河北测试集团');
      expect(await stop(second)).toBe(0);
    } finally {
      await database.drop();
    }
  });

  it('stops start-up when DATABASE_URL cannot be reached, naming it without its password (exit 1)', () => {
    const ownDir = path.join(dataDir, 'postgres-unreachable');
    const run = spawnSync(process.execPath, [SERVER], {
      env: {
        ...process.env,
        DATA_DIR: ownDir,
        PORT: '0',
        // Port 1 on this machine: refused at once.
        DATABASE_URL: 'postgres://sim:secret@127.0.0.1:1/sim',
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Could not connect to PostgreSQL at postgres://sim');
    expect(run.stderr).toContain('127.0.0.1:1/sim');
    expect(run.stderr).not.toContain('secret');
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
