import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { killStartedServers, startServer, stopServer } from '../helpers/server-process.js';

/**
 * `npm run seed:demo` as a process: with no server it writes the data directory itself, and the
 * server started afterwards routes between the demo's members; with the server running it goes
 * through it (found by --url) and, the demo being there, adds nothing.
 */
const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'telecom-seed-'));
afterAll(() => {
  killStartedServers();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A port no server listens on, so the seed's look for a running server finds none. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const seed = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/seed-demo.ts', ...args], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, ...env },
  });

describe('npm run seed:demo as a process', () => {
  it('seeds the data directory without a server, then the running server through its URL', async () => {
    const offline = await seed([], { PORT: String(await freePort()), ADMIN_API_KEY: '' });
    expect(offline.stdout).toContain(`seeding ${dataDir} in this process`);
    expect(offline.stdout).toMatch(/demo group grp_\w+: \d+ parts created, 0 kept, 0 skipped/);

    const server = await startServer({ DATA_DIR: dataDir });
    const key = readFileSync(path.join(dataDir, 'admin-api-key'), 'utf8').trim();
    const route = await fetch(`${server.url}/v1/route`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: '13803110001', to: '6201' }),
    });
    expect(await route.json()).toMatchObject({ callType: 'vpn_short', target: { msisdn: '+8613803110003' } });

    const online = await seed(['--url', server.url], {});
    expect(online.stdout).toContain(`seeding the server at ${server.url}`);
    expect(online.stdout).toMatch(/: 0 parts created, \d+ kept, 0 skipped/);
    expect(await stopServer(server)).toBe(0);
  }, 60_000);
});
