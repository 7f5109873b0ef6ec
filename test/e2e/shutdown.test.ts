import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killStartedServers, type ServerProcess, startServer } from '../helpers/server-process.js';

/**
 * Stopping under load: the built server, started directly and through `npm start` (whose
 * script must hand signals to node), is sent SIGTERM or SIGINT while a bounded number of
 * requests run on loopback. Every request in flight when the signal is sent is answered (200,
 * or 503 problem+json once it is closing, never a reset); the process exits within 10 s and
 * its last log line says it closed.
 */
const ADMIN_KEY = 'e2e-admin-key-0123456789';
const CONCURRENCY = 8;
const dirs: string[] = [];

afterAll(() => {
  killStartedServers();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'telecom-e2e-stop-'));
  dirs.push(dir);
  return dir;
}

interface Tally {
  ok: number;
  shed: number;
  notAccepted: number;
  /** Anything else: a reset or an answer that is neither 200 nor 503 problem+json. */
  failures: string[];
}

type Result = { status: number; type: string } | { error: string; newConnection: boolean };

function get(agent: http.Agent, url: string): Promise<Result> {
  return new Promise((resolve) => {
    const req = http.get(
      `${url}/v1/groups?limit=5`,
      { agent, headers: { authorization: `Bearer ${ADMIN_KEY}` } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) }),
        );
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ error: error.code ?? error.message, newConnection: false }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message, newConnection: !req.reusedSocket }),
    );
  });
}

/**
 * Workers that each send one request after another, on keep-alive connections, until the
 * signal is sent: what they sent before it is in flight and must be answered.
 */
async function load(url: string, tally: Tally, sentAt: () => number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const worker = async () => {
    while (sentAt() === 0) {
      const result = await get(agent, url);
      // A new connection still in the listener's accept queue when it closes is refused or
      // reset by the kernel: that request never reached the server.
      if ('error' in result && result.newConnection) tally.notAccepted++;
      else if ('error' in result) tally.failures.push(`${result.error} at ${Date.now() - sentAt()} ms`);
      else if (result.status === 200) tally.ok++;
      else if (result.status === 503 && result.type.startsWith('application/problem+json')) tally.shed++;
      else tally.failures.push(`HTTP ${result.status} ${result.type}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
}

/** PIDs in the JSON log lines: the node process, also when npm started it. */
function serverPid(output: string): number {
  const match = /"pid":(\d+)/.exec(output);
  if (!match?.[1]) throw new Error(`no pid in the log:\n${output}`);
  return Number(match[1]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopUnderLoad(server: ServerProcess, signal: NodeJS.Signals) {
  const pid = serverPid(server.output());
  const tally: Tally = { ok: 0, shed: 0, notAccepted: 0, failures: [] };
  let sentAt = 0;
  const loading = load(server.url, tally, () => sentAt);
  // Let the load get going, then signal the process that was started (npm, or node itself).
  await new Promise((resolve) => setTimeout(resolve, 300));
  sentAt = Date.now();
  server.child.kill(signal);
  await loading;
  await server.exited;
  while (isAlive(pid) && Date.now() - sentAt < 10_000)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const lines = server.output().trim().split('\n');
  const log = lines.filter((line) => !line.includes('"req')).join('\n');
  return {
    tally,
    stoppedInMs: Date.now() - sentAt,
    nodeAlive: isAlive(pid),
    lastLine: lines.at(-1) ?? '',
    log,
  };
}

function expectCleanStop(result: Awaited<ReturnType<typeof stopUnderLoad>>) {
  expect(result.tally.failures, result.log).toEqual([]);
  expect(result.tally.ok).toBeGreaterThan(0);
  expect(result.nodeAlive).toBe(false);
  expect(result.stoppedInMs).toBeLessThan(10_000);
  expect(JSON.parse(result.lastLine)).toMatchObject({ msg: 'server closed' });
}

// Info: the start is read from Fastify's "listening at" line.
const env = () => ({ DATA_DIR: freshDataDir(), ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'info' });

describe('stopping the server under load', () => {
  it('node dist/src/server.js, SIGTERM: every request answered, exit 0, last line "server closed"', async () => {
    const server = await startServer(env());
    const result = await stopUnderLoad(server, 'SIGTERM');
    expectCleanStop(result);
    expect(await server.exited).toBe(0);
  }, 30_000);

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'npm start, %s to npm: node stops the same way',
    async (signal) => {
      const server = await startServer(env(), 'npm', ['start', '--silent']);
      expectCleanStop(await stopUnderLoad(server, signal));
    },
    30_000,
  );
});

describe('start-up', () => {
  it('logs where the API reference is; a second server on its port prints one line naming PORT and exits 1', async () => {
    const first = await startServer(env());
    for (let waited = 0; !first.output().includes('/docs') && waited < 2000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(first.output()).toContain(`API reference at ${first.url}/docs`);
    expect(first.output()).toContain('npm run seed:demo');

    const port = new URL(first.url).port;
    const error: Error = await startServer({ ...env(), PORT: port }).then(
      () => new Error('started'),
      (e: Error) => e,
    );
    // No stack trace: the one line, besides the JSON log lines.
    const printed = error.message.split('\n').filter((line) => line !== '' && !line.startsWith('{'));
    expect(printed).toEqual([
      'server exited with 1:',
      `cannot listen on 127.0.0.1:${port}: the port is already in use. Set PORT (and HOST) to another, e.g. PORT=3001 npm start`,
    ]);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  }, 40_000);
});
