import type { PluginContext, PluginLogger } from './context.js';
import { isPluginDefinition } from './define-plugin.js';
import type { PluginKind, PluginKinds } from './kinds.js';

/** A metric call a plugin made, as {@link createTestContext} records it. */
export interface MetricRecord {
  type: 'increment' | 'observe';
  name: string;
  value: number;
}

/** A {@link PluginContext} that records what the plugin did, for the plugin's own tests. */
export interface TestPluginContext extends PluginContext {
  metricsSeen: MetricRecord[];
  logs: Array<{ level: string; message?: string }>;
}

/**
 * For plugin tests: a context shaped as the host builds it, keeping log lines and metric calls in arrays and
 * cache entries in memory. `onMetric` runs on each metric call.
 */
export function createTestContext(
  id: string,
  options: { signal?: AbortSignal; onMetric?: (record: MetricRecord) => void } = {},
): TestPluginContext {
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
    id,
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

/**
 * For plugin tests: creates a plugin the way the host does — the module's default export, options validated by
 * the plugin's own schema (defaults applied), then its factory with `ctx`.
 */
export async function instantiatePlugin<K extends PluginKind>(
  definition: unknown,
  kind: K,
  rawOptions: unknown,
  ctx: PluginContext,
): Promise<PluginKinds[K]> {
  if (!isPluginDefinition(definition)) throw new Error('the default export is not a plugin definition');
  if (definition.kind !== kind) throw new Error(`expected a ${kind} plugin, got ${definition.kind}`);
  let options = rawOptions;
  if (definition.options) {
    const parsed = definition.options.safeParse(rawOptions);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
      throw new Error(`invalid options: ${issues.join('; ')}`);
    }
    options = parsed.data;
  }
  return (await definition.create(options, ctx)) as PluginKinds[K];
}
