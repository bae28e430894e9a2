import cluster from 'node:cluster';
import { workerSlot } from './metrics-ipc.js';

/** Worker → primary: ready, with the banner the primary prints once for all workers. */
export const READY = 'localmcp:ready';
/** Primary → worker: shut down gracefully (as on SIGTERM, but never "a second signal: exit now"). */
export const SHUTDOWN = 'localmcp:shutdown';

export interface ReadyMessage {
  type: typeof READY;
  lines: string[];
}

/** Whether this process is a `serve --workers` worker (forked by our primary). */
export function isWorker(): boolean {
  return workerSlot() !== undefined;
}

/** Tells the primary this worker serves; `lines` is what a single process would have printed. */
export function reportReady(lines: string[]): void {
  process.send?.({ type: READY, lines } satisfies ReadyMessage);
}

/**
 * Calls `stop` when the primary asks for a shutdown or goes away (its IPC channel closes: a primary killed with
 * SIGKILL must not leave workers serving on their own).
 */
export function onPrimaryShutdown(stop: () => void): void {
  if (!cluster.isWorker) return;
  process.on('message', (message: { type?: string }) => {
    if (message?.type === SHUTDOWN) stop();
  });
  process.once('disconnect', stop);
}
