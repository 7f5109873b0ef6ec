import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints the WAL from a worker thread, so that no request pays for it.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that commit
 * copies the WAL back into the database and fsyncs, a stall of tens of milliseconds on the one
 * thread that serves every request (measured: it doubles the cost of a small transaction). A
 * second connection in a worker runs PASSIVE checkpoints instead; they never block the writer,
 * and the writer restarts the WAL from its start once a checkpoint has caught up. The main
 * connection keeps a high automatic threshold as a backstop should the worker fall behind.
 */
export interface Checkpointer {
  /** Stops the worker (before the main connection closes, which checkpoints one last time). */
  stop(): Promise<void>;
}

/** Pages the WAL may reach before the writer checkpoints by itself (4 KiB pages: 64 MiB). */
export const BACKSTOP_CHECKPOINT_PAGES = 16_384;

// The worker is a plain CommonJS script run with `eval`: it works the same from the TypeScript
// sources (tsx, vitest) and the compiled dist, with no loader to inherit.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage(String(error && error.message || error));
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(
  file: string,
  options: { intervalMs?: number; onError?: (message: string) => void } = {},
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver, intervalMs: options.intervalMs ?? 100 },
  });
  worker.unref();
  worker.on('message', (message: string) => options.onError?.(message));
  worker.on('error', (error) => options.onError?.(error.message));
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        // Held while it stops: an unreferenced worker would let the loop empty before 'exit'.
        worker.ref();
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
