import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  killStartedServers,
  SERVER,
  type ServerProcess,
  startServer,
  stopServer,
} from '../helpers/server-process.js';
import { toScript, verify, walkthroughBlocks } from '../helpers/walkthrough.js';

/**
 * The README's walk-through, run as written: its marked shell blocks, in order, in one bash
 * session against the built server started like `npm start` on a fresh data directory (the
 * plain defaults: real clock, generated admin key). curl is wrapped to record each answer; every
 * curl line's documented outcome (`# → …`) is checked against the answer it got.
 */
const work = mkdtempSync(path.join(os.tmpdir(), 'telecom-walkthrough-'));
const dataDir = path.join(work, 'data');

afterAll(() => {
  killStartedServers();
  rmSync(work, { recursive: true, force: true });
});

/** Records every curl call (status, body) in numbered files; the body still goes to stdout. */
const PRELUDE = `
curl() {
  local out n
  out=$(command curl -sS -w '\\n%{http_code}' "$@" </dev/null)
  n=$(( $(cat "$WT/count") + 1 )); echo "$n" > "$WT/count"
  printf '%s' "\${out##*$'\\n'}" > "$WT/status-$n"
  printf '%s' "\${out%$'\\n'*}" > "$WT/body-$n"
  printf '%s\\n' "\${out%$'\\n'*}"
}
__expect() { printf '%s\\t%s\\t%s\\n' "$1" "$(cat "$WT/count")" "$2" >> "$WT/expects"; }
echo 0 > "$WT/count"; : > "$WT/expects"
`;

function shell(): { run(script: string): Promise<void>; close(): void } {
  const bash: ChildProcessWithoutNullStreams = spawn('bash', [], {
    env: { PATH: process.env.PATH, HOME: work, WT: work, LANG: 'C.UTF-8' },
    cwd: work,
  });
  let out = '';
  let waiting: { marker: string; resolve: () => void } | null = null;
  bash.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (waiting && out.includes(waiting.marker)) {
      out = '';
      const { resolve } = waiting;
      waiting = null;
      resolve();
    }
  });
  bash.stderr.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  let blocks = 0;
  return {
    run(script) {
      const marker = `__walkthrough_block_${++blocks}_done__`;
      return new Promise((resolve) => {
        waiting = { marker, resolve };
        bash.stdin.write(`${script}\necho ${marker}\n`);
      });
    },
    close: () => bash.stdin.end(),
  };
}

describe('the README walk-through', () => {
  it('runs copy-pasted in order against a fresh server and answers what it documents', async () => {
    expect(existsSync(SERVER), 'run `npm run build` first').toBe(true);
    const blocks = walkthroughBlocks(readFileSync('README.md', 'utf8'));
    expect(blocks.length).toBeGreaterThan(5);

    let server: ServerProcess = await startServer({ DATA_DIR: dataDir });
    const key = readFileSync(path.join(dataDir, 'admin-api-key'), 'utf8').trim();
    const bash = shell();
    await bash.run(PRELUDE);
    for (const block of blocks) {
      if (block.restart) {
        expect(await stopServer(server)).toBe(0);
        server = await startServer({ DATA_DIR: dataDir, ...block.restart });
        await bash.run(`BASE=${server.url}`);
      }
      await bash.run(toScript(block, server.url, key));
    }
    bash.close();
    expect(await stopServer(server)).toBe(0);

    const read = (file: string) => readFileSync(path.join(work, file), 'utf8');
    const expectations = read('expects')
      .trimEnd()
      .split('\n')
      .map((row) => row.split('\t') as [string, string, string]);
    const outcome = (n: number) => ({ status: Number(read(`status-${n}`)), body: read(`body-${n}`) });
    const failures = verify(expectations, Number(read('count')), outcome);
    expect(failures).toEqual([]);
    expect(expectations.length).toBeGreaterThan(40);
  }, 120_000);
});
