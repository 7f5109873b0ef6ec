import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

/**
 * Durability of CDRs (issue 7): the built server under concurrent call traffic is killed with
 * SIGKILL (no graceful shutdown). After a restart on the same database, every call whose
 * hang-up was acknowledged has exactly one CDR, and no call has two. On both backends: the
 * SQLite file of the data directory, and a PostgreSQL database of the test's (issue 18).
 */
const SERVER = path.resolve('dist/src/server.js');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'telecom-kill-'));
const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';
const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
const children: ChildProcess[] = [];

function start(backendEnv: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [SERVER], {
    // Durability is measured on calls the server admitted: no load shedding (every call must pass).
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      ADMIN_API_KEY: ADMIN_KEY,
      OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
      ...backendEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      if (out.length > 100_000) return; // started long ago: request logs are not kept
      out += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe.each(BACKENDS)('kill -9 under load on %s', (backend) => {
  let database: TestDatabase | undefined;
  let backendEnv: Record<string, string>;
  beforeAll(async () => {
    const ownDir = path.join(dataDir, backend);
    if (backend === 'postgres') database = await createTestDatabase({ migrated: true });
    backendEnv =
      database === undefined ? { DATA_DIR: ownDir } : { DATA_DIR: ownDir, DATABASE_URL: database.url };
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await database?.drop();
  });

  it('loses no CDR of an acknowledged call and duplicates none', async () => {
    expect(existsSync(SERVER), 'run `npm run build` first').toBe(true);
    const first = await start(backendEnv);
    const group = await post(`${first.url}/v1/groups`, {
      name: '河北测试集团',
      institutionType: 'enterprise',
      valueTier: 'B1',
      province: 'CN-HE',
    });
    const groupId = group.json.id as string;
    await fetch(`${first.url}/v1/groups/${groupId}/vpn`, { method: 'PUT', headers, body: '{}' });
    for (const msisdn of ['13803110001', '13803110002']) {
      await post(`${first.url}/v1/groups/${groupId}/members`, { msisdn, name: `成员${msisdn.slice(-2)}` });
    }

    // Eight workers place, answer and hang up calls until the server dies under them.
    const acknowledged: string[] = [];
    let dead = false;
    let failure: unknown = null;
    const worker = async () => {
      while (!dead) {
        try {
          const call = await post(`${first.url}/v1/calls`, { from: '13803110001', to: '13803110002' });
          if (call.status !== 201 || call.json.state !== 'ringing')
            throw new Error(`call: ${JSON.stringify(call)}`);
          const id = call.json.id as string;
          const answered = await post(`${first.url}/v1/calls/${id}/actions`, { action: 'answer' });
          if (answered.status !== 200) throw new Error(`answer: ${JSON.stringify(answered)}`);
          const ended = await post(`${first.url}/v1/calls/${id}/actions`, { action: 'hangup' });
          if (ended.status === 200) acknowledged.push(id);
        } catch (error) {
          if (!dead) failure = error;
          return; // after the kill: the connection died with the server
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    while (acknowledged.length < 150) {
      if (failure !== null) throw failure;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.child.removeAllListeners('exit');
    const exited = new Promise((resolve) => first.child.on('exit', resolve));
    first.child.kill('SIGKILL');
    dead = true;
    await exited;
    await Promise.all(workers);

    const second = await start(backendEnv);
    const byCall = new Map<string, number>();
    let cursor: string | null = null;
    do {
      const res = await fetch(`${second.url}/v1/cdrs?limit=500${cursor ? `&cursor=${cursor}` : ''}`, {
        headers,
      });
      const page = (await res.json()) as { items: Array<{ callId: string }>; nextCursor: string | null };
      for (const cdr of page.items) byCall.set(cdr.callId, (byCall.get(cdr.callId) ?? 0) + 1);
      cursor = page.nextCursor;
    } while (cursor !== null);

    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    const lost = acknowledged.filter((id) => byCall.get(id) !== 1);
    expect(lost).toEqual([]);
    expect([...byCall.values()].every((n) => n === 1)).toBe(true);
    // Calls that were in flight survive as calls: each ended one has its CDR, the rest none.
    const ended = await fetch(`${second.url}/v1/calls?state=ended&limit=500`, { headers });
    const endedIds = ((await ended.json()) as { items: Array<{ id: string }> }).items.map((c) => c.id);
    expect(endedIds.length).toBe(byCall.size);
    second.child.kill('SIGTERM');
  }, 60_000);
});
