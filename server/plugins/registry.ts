import { ErrorCodes, PluginError, pluginId, wrapPluginError } from '@localmcp/plugin-api';
import type { PluginCache, PluginDefinition, PluginKind, PluginKinds, PluginLogger } from '@localmcp/plugin-api';
import { MemoryPluginCache, namespacedCache } from './cache.js';
import { createInstance } from './definition.js';
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
  /** The definitions found, by id (loaded or only available), for {@link PluginRegistry.create}. */
  definitions?: ReadonlyMap<string, { def: PluginDefinition; package: string }>;
  /** The shared cache the loader gave plugins; instances made by create() get a namespace of it too. */
  cache?: PluginCache;
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
  readonly #definitions: ReadonlyMap<string, { def: PluginDefinition; package: string }>;
  readonly #cache: PluginCache;
  /** Instances made by create(), closed with the others. */
  readonly #extra: LoadedPlugin[] = [];
  #closing: Promise<void> | undefined;

  constructor(init: PluginRegistryInit) {
    for (const plugin of init.plugins) this.#plugins.set(plugin.id, plugin);
    this.#statuses = init.statuses;
    this.#logger = init.logger;
    this.metrics = init.metrics;
    this.#controller = init.controller;
    this.#definitions = init.definitions ?? new Map();
    this.#cache = init.cache ?? new MemoryPluginCache();
  }

  /** The instance of plugin `kind:name`, or undefined when it is not loaded (absent, failed, disabled, closed). */
  get<K extends PluginKind>(kind: K, name: string): PluginKinds[K] | undefined {
    return this.#plugins.get(pluginId({ kind, name }))?.instance as PluginKinds[K] | undefined;
  }

  /** Whether a plugin `kind:name` was found (loaded, or bundled and not yet created), so create() can make one. */
  has(kind: PluginKind, name: string): boolean {
    return this.#definitions.has(pluginId({ kind, name }));
  }

  /**
   * Another instance of plugin `kind:name` with its own options, made the way the loader makes the first one
   * (options validated by the plugin's schema, create() with a ctx, the instance checked), and closed with the
   * registry. For plugins one config uses several times: two endpoints of `provider:openai`, the LLM router's own
   * breaker policy. `label` tells the instances apart in logs and cache namespaces. Every failure is a PluginError
   * naming the plugin and hook; an id no candidate provides is PLUGIN_REQUIRED_MISSING.
   */
  async create<K extends PluginKind>(kind: K, name: string, options: unknown, label: string): Promise<PluginKinds[K]> {
    const id = pluginId({ kind, name });
    const found = this.#definitions.get(id);
    if (!found) {
      const installed = [...this.#definitions.keys()].filter((known) => known.startsWith(`${kind}:`));
      throw new PluginError(
        ErrorCodes.PLUGIN_REQUIRED_MISSING,
        id,
        'load',
        `no installed plugin provides it (${kind} plugins found: ${installed.join(', ') || 'none'}); install the ` +
          'package that provides it with `localmcp plugins install <package>`',
      );
    }
    if (this.#controller.signal.aborted) {
      throw new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, id, 'create', 'the plugin registry is closed');
    }
    const instance = await createInstance(found.def, id, options, {
      id,
      logger: this.#logger.child({ plugin: id, instance: label }),
      metrics: this.metrics.forPlugin(id),
      cache: namespacedCache(this.#cache, `${id}#${label}`),
      signal: this.#controller.signal,
    });
    this.#extra.push({ id, kind, name, package: found.package, instance });
    return instance as PluginKinds[K];
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
    const plugins = [...this.#plugins.values(), ...this.#extra.splice(0)];
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
