import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * `/metrics` with `--workers`: a scrape reaches one worker (the kernel or the primary picks which), but must
 * describe all of them. The worker asks the primary over the cluster IPC channel; the primary collects every
 * worker's registries with prom-client's AggregatorRegistry (counters and histograms summed, gauges by their
 * `aggregator`) and sends the text back. Workers are told apart from plain processes by LOCALMCP_WORKER_SLOT, which
 * only our primary sets.
 */

const REQUEST = 'localmcp:metrics-request';
const RESPONSE = 'localmcp:metrics-response';

/** The worker's slot (1..N, kept when a crashed worker is replaced), or undefined outside `--workers`. */
export function workerSlot(): string | undefined {
  return cluster.isWorker ? process.env.LOCALMCP_WORKER_SLOT : undefined;
}

export function inClusterWorker(): boolean {
  return workerSlot() !== undefined;
}

/** Worker side: answer the primary's collection requests with these registries (prom-client's own protocol). */
export function serveMetricsToPrimary(registries: Registry[]): void {
  new AggregatorRegistry(); // installs the worker's listener for the primary's requests
  AggregatorRegistry.setRegistries(registries);
}

/** Worker side: the aggregated exposition of every worker, from the primary. */
export function askPrimaryForMetrics(timeoutMs = 10_000): Promise<string> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; id?: string; body?: string; error?: string }) => {
      if (message?.type !== RESPONSE || message.id !== id) return;
      done();
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.body ?? '');
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the primary process did not answer a metrics request within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id });
  });
}

/** Primary side: answer workers' requests for the aggregate. Returns the function that stops answering. */
export function answerMetricsRequests(): () => void {
  const aggregator = new AggregatorRegistry();
  const onMessage = (worker: { send(message: unknown): boolean; isConnected(): boolean }, message: unknown) => {
    const request = message as { type?: string; id?: string };
    if (request?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (body) => worker.isConnected() && worker.send({ type: RESPONSE, id: request.id, body }),
      (error: unknown) =>
        worker.isConnected() && worker.send({ type: RESPONSE, id: request.id, error: (error as Error).message }),
    );
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}
