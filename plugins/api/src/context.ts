/** A structured logger (pino-compatible subset). Fields first, message second. */
export interface PluginLogger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
  child(bindings: Record<string, unknown>): PluginLogger;
}

/** Counters and histograms a plugin may record; names are prefixed with the plugin id by the host. */
export interface PluginMetrics {
  increment(name: string, labels?: Record<string, string>, value?: number): void;
  observe(name: string, value: number, labels?: Record<string, string>): void;
}

/** A small key-value cache shared by the gateway. A miss is `undefined`, never an exception. */
export interface PluginCache {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What the host hands every plugin factory: a child logger, metrics and the cache. */
export interface PluginContext {
  /** The plugin's id, `kind:name`. */
  readonly id: string;
  readonly logger: PluginLogger;
  readonly metrics: PluginMetrics;
  readonly cache: PluginCache;
  /** Aborted when the gateway shuts down. */
  readonly signal: AbortSignal;
}

/** Options every hook receives: an AbortSignal the plugin must honour. */
export interface HookOptions {
  signal?: AbortSignal;
}
