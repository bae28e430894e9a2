import type { PluginContext, PluginLogger } from '@localmcp/plugin-api';

/** A metric call the plugin made. */
export interface MetricRecord {
  type: 'increment' | 'observe';
  name: string;
  value: number;
}

/** A PluginContext as the host builds one, recording metrics and log lines; `onMetric` runs on each metric. */
export function testContext(
  options: { signal?: AbortSignal; onMetric?: (record: MetricRecord) => void } = {},
): PluginContext & { metricsSeen: MetricRecord[]; logs: Array<{ level: string; message?: string }> } {
  const metricsSeen: MetricRecord[] = [];
  const logs: Array<{ level: string; message?: string }> = [];
  const record = (entry: MetricRecord) => {
    metricsSeen.push(entry);
    options.onMetric?.(entry);
  };
  const logger: PluginLogger = {
    debug: (_fields, message) => void logs.push({ level: 'debug', message }),
    info: (_fields, message) => void logs.push({ level: 'info', message }),
    warn: (_fields, message) => void logs.push({ level: 'warn', message }),
    error: (_fields, message) => void logs.push({ level: 'error', message }),
    child: () => logger,
  };
  const store = new Map<string, unknown>();
  return {
    id: 'embedder:transformers',
    logger,
    metrics: {
      increment: (name, _labels, value = 1) => record({ type: 'increment', name, value }),
      observe: (name, value) => record({ type: 'observe', name, value }),
    },
    cache: {
      get: async <T>(key: string) => store.get(key) as T | undefined,
      set: async (key, value) => void store.set(key, value),
      delete: async (key) => void store.delete(key),
    },
    signal: options.signal ?? new AbortController().signal,
    metricsSeen,
    logs,
  };
}
