import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * Checkpoints the WAL from a worker thread, so that no request pays for it.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that commit
 * copies the WAL back into the database and fsyncs, a stall of tens of milliseconds on the one
 * thread that serves every request (measured: it doubles the cost of a small transaction). A
 * second connection in a worker runs PASSIVE checkpoints instead, which never block the
 * writer; past 8 MiB of WAL the worker passes again over what came in during its last pass
 * until that is little, then the writer finishes the copy between two commits (`finish`: the
 * frames since the worker's last pass) so that the WAL starts over. Measured on the conference
 * bench (mute, c50): finishing after one pass left 300–1,000 frames and stalled the writer
 * 20–35 ms; after the extra passes the p99 went from 39–42 ms to 25–26 ms. What a finish still
 * costs is mostly its fsyncs.
 * The main connection keeps a high automatic threshold as a backstop.
 */
export interface Checkpointer {
  /**
   * On the writer's connection, between transactions: when the worker found the WAL long,
   * copies the few frames written since its pass, so that the next commit starts the WAL
   * from its beginning. Under steady writes the WAL is never found fully copied between two
   * commits otherwise, and grows to the backstop. Answers whether there was anything to do.
   */
  finish(client: Database.Database): boolean;
  /** Stops the worker (before the main connection closes, which checkpoints one last time). */
  stop(): Promise<void>;
}

/** WAL pages past which the writer finishes the worker's checkpoint (4 KiB pages: 8 MiB). */
const RESTART_PAGES = 2_048;

/** Frames left to the writer's finish: the worker passes again while more came in during a pass. */
const FINISH_FRAMES = 256;

/** Extra passes at most: a writer faster than the copy must not keep the worker looping. */
const MAX_EXTRA_PASSES = 8;

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
    let [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result.log < workerData.restartPages) return;
    // A pass copies the frames that were there when it began; the writer went on meanwhile.
    // Pass again over what came in during the last pass until that is little, so the writer's
    // finish (between two of its transactions, on the request thread) has almost nothing left.
    for (let pass = 0; pass < workerData.maxExtraPasses; pass++) {
      const before = result.log;
      [result] = db.pragma('wal_checkpoint(PASSIVE)');
      if (result.busy || result.log - before <= workerData.finishFrames) break;
    }
    parentPort.postMessage({ kind: 'long_wal', log: result.log });
  } catch (error) {
    parentPort.postMessage({ kind: 'error', message: String((error && error.message) || error) });
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
    workerData: {
      file,
      driver,
      intervalMs: options.intervalMs ?? 100,
      restartPages: RESTART_PAGES,
      finishFrames: FINISH_FRAMES,
      maxExtraPasses: MAX_EXTRA_PASSES,
    },
  });
  worker.unref();
  let longWal = false;
  worker.on('message', (message: { kind: 'long_wal' } | { kind: 'error'; message: string }) => {
    if (message.kind === 'long_wal') longWal = true;
    else options.onError?.(message.message);
  });
  worker.on('error', (error) => options.onError?.(error.message));
  let stopped: Promise<void> | null = null;
  return {
    finish(client) {
      if (!longWal) return false;
      longWal = false;
      try {
        client.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        options.onError?.(error instanceof Error ? error.message : String(error));
      }
      return true;
    },
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
