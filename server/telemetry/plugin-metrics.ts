import type { MetricValue } from 'prom-client';
import type { PluginMetricsStore } from '../plugins/metrics.js';
import type { CollectingRegistry } from './metrics.js';

/** A Prometheus name part from what a plugin passed: `search.latency-ms` → `search_latency_ms`. */
function metricPart(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

function labelsOf(plugin: string, labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) out[metricPart(key).replace(/^__/, '_')] = value;
  out.plugin = plugin; // always the plugin id, whatever the plugin passed as `plugin`
  return out;
}

type Values = Array<MetricValue<string> & { metricName?: string }>;

/**
 * Exports what plugins record through `ctx.metrics` (kept in {@link PluginMetricsStore}): a counter `name` as
 * `localmcp_plugin_<name>_total` and an observed series as the summary `localmcp_plugin_<name>` (`_sum`,
 * `_count`), each with a `plugin` label and the plugin's own labels. Plugins choose their names and labels at run
 * time, so each name is registered on the first scrape that sees it, as an object with prom-client's `get()`.
 */
export function registerPluginMetrics(registry: CollectingRegistry, store: PluginMetricsStore): void {
  const known = new Set<string>();
  const register = (name: string, type: 'counter' | 'summary', values: () => Values) => {
    if (known.has(name)) return;
    known.add(name);
    const help = `Recorded by plugins through ctx.metrics (${type === 'counter' ? 'increment' : 'observe'}).`;
    const get = async () => ({ name, help, type, aggregator: 'sum', values: values() });
    // prom-client's registry takes any object with a name and get(); its types only describe its own classes.
    registry.registerMetric({ name, help, type, aggregator: 'sum', get, reset: () => undefined } as never);
  };
  const counterName = (name: string) => `localmcp_plugin_${metricPart(name)}_total`;
  const summaryName = (name: string) => `localmcp_plugin_${metricPart(name)}`;
  registry.beforeCollect.push(() => {
    for (const sample of store.counters()) {
      const name = counterName(sample.name);
      register(name, 'counter', () =>
        store
          .counters()
          .filter((s) => counterName(s.name) === name)
          .map((s) => ({ labels: labelsOf(s.plugin, s.labels), value: s.value })),
      );
    }
    for (const sample of store.observations()) {
      const name = summaryName(sample.name);
      register(name, 'summary', () =>
        store
          .observations()
          .filter((s) => summaryName(s.name) === name)
          .flatMap((s) => [
            { labels: labelsOf(s.plugin, s.labels), value: s.sum, metricName: `${name}_sum` },
            { labels: labelsOf(s.plugin, s.labels), value: s.count, metricName: `${name}_count` },
          ]),
      );
    }
  });
}
