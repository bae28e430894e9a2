import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../telemetry/logger.js';
import { answerMetricsRequests } from './metrics-ipc.js';
import { READY, SHUTDOWN, type ReadyMessage } from './worker.js';

export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  /** Where the first worker's ready banner goes (stdout), once every worker is ready. */
  print: (line: string) => void;
  /** How long workers get to finish in-flight calls on shutdown before they are killed. */
  shutdownGraceMs: number;
}

/** A worker that exits this soon after its start counts as crash-looping: its replacement waits longer. */
const QUICK_EXIT_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * `serve --workers N`: this process runs no gateway; it forks N workers that each run one (same argv, sharing the
 * listening port through node:cluster), prints the ready banner once all are ready, answers `/metrics`
 * aggregation requests, replaces a worker that dies (after a delay that grows while workers keep dying quickly),
 * and on SIGINT/SIGTERM tells every worker to shut down gracefully, killing any still there after the grace
 * period. A worker that dies before the first banner stops everything: a config or port error would only repeat.
 * Resolves with the exit code when every worker is gone.
 */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  const { workers, logger } = options;
  const log = logger.child({ role: 'primary' });
  const stopAnswering = answerMetricsRequests();
  const slots = new Map<number, { worker: Worker; startedAt: number; quickExits: number }>();
  const banners = new Map<number, string[]>();
  let announced = false;
  let stopping = false;
  let exitCode = 0;

  return new Promise((resolve) => {
    const fork = (slot: number, quickExits = 0) => {
      const worker = cluster.fork({ LOCALMCP_WORKER_SLOT: String(slot) });
      slots.set(slot, { worker, startedAt: Date.now(), quickExits });
      worker.on('message', (message: ReadyMessage) => {
        if (message?.type !== READY) return;
        banners.set(slot, message.lines);
        if (!announced && banners.size === workers) {
          announced = true;
          // First, so that whoever waits for the "ready" line has this one too.
          const pids = [...slots.values()].map((s) => s.worker.process.pid);
          options.print(`${workers} workers (pids ${pids.join(', ')}) share the port; primary pid ${process.pid}.`);
          for (const line of banners.get(1) ?? message.lines) options.print(line);
        }
      });
    };

    const finishIfDone = () => {
      if (slots.size > 0) return;
      stopAnswering();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(exitCode);
    };

    cluster.on('exit', (worker, code, signal) => {
      const entry = [...slots].find(([, s]) => s.worker === worker);
      if (!entry) return;
      const [slot, state] = entry;
      slots.delete(slot);
      banners.delete(slot);
      if (stopping) return finishIfDone();
      if (!announced) {
        log.error({ slot, code, signal }, 'a worker exited before the gateway was ready; stopping');
        exitCode = typeof code === 'number' && code !== 0 ? code : 1;
        return shutdown();
      }
      const quickExits = Date.now() - state.startedAt < QUICK_EXIT_MS ? state.quickExits + 1 : 0;
      const delay = quickExits === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** (quickExits - 1));
      log.warn({ slot, pid: worker.process.pid, code, signal, restartInMs: delay }, 'worker died; starting another');
      setTimeout(() => !stopping && fork(slot, quickExits), delay).unref();
    });

    const shutdown = () => {
      if (stopping) return;
      stopping = true;
      for (const { worker } of slots.values()) {
        if (worker.isConnected()) worker.send({ type: SHUTDOWN });
        else worker.process.kill('SIGTERM');
      }
      setTimeout(() => {
        for (const { worker } of slots.values()) worker.process.kill('SIGKILL');
      }, options.shutdownGraceMs + 5_000).unref();
      finishIfDone();
    };

    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        log.warn({ signal }, 'second signal: killing the workers now');
        for (const { worker } of slots.values()) worker.process.kill('SIGKILL');
        exitCode = 130;
        return;
      }
      log.info({ signal, workers: slots.size }, 'shutting down the workers');
      shutdown();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    for (let slot = 1; slot <= workers; slot++) fork(slot);
  });
}
