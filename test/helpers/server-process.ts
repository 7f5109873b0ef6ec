import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * The service as a real process on a free port, for the end-to-end tests: the built server
 * (`npm run build` runs before vitest in `npm test`) or `npm start`, started with its
 * environment, stopped by a signal.
 */
export const SERVER = path.resolve('dist/src/server.js');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote so far, stdout and stderr. */
  output: () => string;
  /** Resolves with the exit code once the process and its output streams have closed. */
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

/**
 * Spawns `command args` (by default `node dist/src/server.js`) and resolves once it logs that it
 * listens; rejects with its output if it exits first or takes 15 s.
 */
export function startServer(
  env: Record<string, string>,
  command: string = process.execPath,
  args: string[] = [SERVER],
): Promise<ServerProcess> {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

/** Sends the signal (SIGTERM by default) and resolves with the exit code once it has closed. */
export function stopServer(
  running: ServerProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill(signal);
  return running.exited;
}

/** For afterAll: whatever a failed test left running. */
export function killStartedServers(): void {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
