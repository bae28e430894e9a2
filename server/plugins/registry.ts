import { pluginId, wrapPluginError } from '@localmcp/plugin-api';
import type { PluginKind, PluginKinds, PluginLogger } from '@localmcp/plugin-api';
import type { PluginMetricsStore } from './metrics.js';
import type { PluginStatus } from './types.js';

/** A created plugin instance, as the loader hands it to the registry. */
export interface LoadedPlugin<K extends PluginKind = PluginKind> {
  id: string;
  kind: K;
  name: string;
  package: string;
  instance: PluginKinds[K];
}

/** What the loader builds a {@link PluginRegistry} from. */
export interface PluginRegistryInit {
  plugins: LoadedPlugin[];
  statuses: PluginStatus[];
  logger: PluginLogger;
  metrics: PluginMetricsStore;
  /** Its signal is every plugin's `ctx.signal`; aborted by close(). */
  controller: AbortController;
}

/**
 * The plugins loaded at start-up, by kind. The gateway looks plugins up here (`get('search', 'hnsw')`) and never
 * imports a plugin itself. Errors a plugin throws later, from its hooks, are the caller's to wrap with
 * `wrapPluginError(id, hook)`: only the caller knows whether an error is the plugin's own or one it passed along
 * (a breaker re-throws the upstream's errors).
 */
export class PluginRegistry {
  /** The metrics every plugin recorded, for the telemetry exporter. */
  readonly metrics: PluginMetricsStore;
  readonly #plugins = new Map<string, LoadedPlugin>();
  readonly #statuses: PluginStatus[];
  readonly #logger: PluginLogger;
  readonly #controller: AbortController;
  #closing: Promise<void> | undefined;

  constructor(init: PluginRegistryInit) {
    for (const plugin of init.plugins) this.#plugins.set(plugin.id, plugin);
    this.#statuses = init.statuses;
    this.#logger = init.logger;
    this.metrics = init.metrics;
    this.#controller = init.controller;
  }

  /** The instance of plugin `kind:name`, or undefined when it is not loaded (absent, failed, disabled, closed). */
  get<K extends PluginKind>(kind: K, name: string): PluginKinds[K] | undefined {
    return this.#plugins.get(pluginId({ kind, name }))?.instance as PluginKinds[K] | undefined;
  }

  /** Every loaded plugin of `kind`, in discovery order. */
  list<K extends PluginKind>(kind: K): Array<{ id: string; name: string; instance: PluginKinds[K] }> {
    return [...this.#plugins.values()]
      .filter((p) => p.kind === kind)
      .map((p) => ({ id: p.id, name: p.name, instance: p.instance as PluginKinds[K] }));
  }

  /** What became of every plugin found: loaded, failed (with the error) or disabled. For `/readyz` and logs. */
  statuses(): PluginStatus[] {
    return this.#statuses.map((s) => ({ ...s }));
  }

  /** The signal handed to every plugin; aborted by close(). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Aborts every plugin's `ctx.signal`, then calls each instance's `close()` at once. A failing close is logged
   * with the plugin's name and hook, never thrown: shutting down must finish. Calling it again is harmless.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  async #closeAll(): Promise<void> {
    this.#controller.abort(new Error('localmcp is shutting down'));
    const plugins = [...this.#plugins.values()];
    this.#plugins.clear();
    await Promise.all(
      plugins.map(async (plugin) => {
        const instance = plugin.instance as { close?: () => unknown };
        if (typeof instance.close !== 'function') return;
        try {
          await instance.close();
        } catch (error) {
          const wrapped = wrapPluginError(plugin.id, 'close', error);
          this.#logger.warn(
            { plugin: plugin.id, package: plugin.package, hook: 'close', code: wrapped.code },
            wrapped.message,
          );
        }
      }),
    );
  }
}
