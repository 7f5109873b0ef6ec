import { type ChildProcess, spawn } from 'node:child_process';

/** The service started as a real process (end-to-end tests only), with everything it printed. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code once the process and its output streams have closed. */
  exited: Promise<number | null>;
}

/**
 * Spawns `command args` (the built server, or `npm start`) on a free port and resolves once it
 * logs that it listens; rejects with its output if it exits or takes 15 s.
 */
export function startServer(
  command: string,
  args: string[],
  env: Record<string, string>,
  children: ChildProcess[],
): Promise<ServerProcess> {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH, PORT: '0', CLOCK: 'simulated', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
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
