// Moves SQLite's WAL checkpoints off the controller's event loop. By default the connection
// that commits past 1,000 WAL pages runs the checkpoint itself — copying pages into the
// database file and fsyncing it, inside that commit — which was a measured 19–21 % of
// telemetry ingest and stalls every request behind it. The controller turns that off on
// its connection and a worker thread with its own connection checkpoints instead (PASSIVE:
// it never blocks writers or readers), every interval and once more on stop, so the WAL
// stays bounded. Durability is unchanged: a commit is in the WAL before it is acked.
import { Worker } from 'node:worker_threads';
import type { SqliteHandle } from './sqlite.js';

export interface Checkpointer {
  /** Stops the worker after a last checkpoint; the autocheckpoint is restored. */
  stop(): Promise<void>;
}

const WORKER = new URL('./checkpoint-worker.js', import.meta.url);

export function startCheckpointer(db: SqliteHandle, path: string, intervalMs = 1000): Checkpointer {
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER, { workerData: { path, intervalMs } });
  let failed: Error | undefined;
  worker.on('error', (e) => {
    // Without the worker the WAL would grow without bound: checkpoint on commit again.
    failed = e;
    db.pragma('wal_autocheckpoint = 1000');
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: async () => {
      if (!failed) worker.postMessage('stop');
      await exited;
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    },
  };
}
