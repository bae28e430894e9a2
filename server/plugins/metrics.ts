import type { PluginMetrics } from '@localmcp/plugin-api';

/** One counter of one plugin: `plugin` is the id, `name` what the plugin passed. */
export interface PluginCounterSample {
  plugin: string;
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A summary of one observed series: enough for a Prometheus summary (count and sum) plus the extremes. */
export interface PluginObservationSample {
  plugin: string;
  name: string;
  labels: Record<string, string>;
  count: number;
  sum: number;
  min: number;
  max: number;
}

function seriesKey(plugin: string, name: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return JSON.stringify([plugin, name, sorted]);
}

/**
 * The metrics plugins record, kept in memory until the telemetry module exports them (e.g. as
 * `localmcp_plugin_<name>{plugin="search:hnsw"}`). The plugin id is kept apart from the name rather than glued
 * into it, so the exporter chooses the naming; two plugins using the same metric name never collide.
 */
export class PluginMetricsStore {
  readonly #counters = new Map<string, PluginCounterSample>();
  readonly #observations = new Map<string, PluginObservationSample>();

  /** The {@link PluginMetrics} handed to one plugin; everything it records is attributed to `pluginId`. */
  forPlugin(pluginId: string): PluginMetrics {
    return {
      increment: (name, labels = {}, value = 1) => this.increment(pluginId, name, labels, value),
      observe: (name, value, labels = {}) => this.observe(pluginId, name, value, labels),
    };
  }

  increment(plugin: string, name: string, labels: Record<string, string> = {}, value = 1): void {
    if (!Number.isFinite(value)) return;
    const key = seriesKey(plugin, name, labels);
    const sample = this.#counters.get(key);
    if (sample) sample.value += value;
    else this.#counters.set(key, { plugin, name, labels: { ...labels }, value });
  }

  observe(plugin: string, name: string, value: number, labels: Record<string, string> = {}): void {
    if (!Number.isFinite(value)) return;
    const key = seriesKey(plugin, name, labels);
    const sample = this.#observations.get(key);
    if (sample) {
      sample.count += 1;
      sample.sum += value;
      sample.min = Math.min(sample.min, value);
      sample.max = Math.max(sample.max, value);
    } else {
      this.#observations.set(key, {
        plugin,
        name,
        labels: { ...labels },
        count: 1,
        sum: value,
        min: value,
        max: value,
      });
    }
  }

  /** Copies of the counters, for export. */
  counters(): PluginCounterSample[] {
    return [...this.#counters.values()].map((s) => ({ ...s, labels: { ...s.labels } }));
  }

  /** Copies of the observation summaries, for export. */
  observations(): PluginObservationSample[] {
    return [...this.#observations.values()].map((s) => ({ ...s, labels: { ...s.labels } }));
  }
}
