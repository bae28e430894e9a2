import { ErrorCodes, LocalmcpError, errorMessage } from '@localmcp/plugin-api';
import type { ChatProvider } from '@localmcp/plugin-api';
import type { LlmConfig } from '../config/llm-schema.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Logger } from '../telemetry/logger.js';

/** What became of one configured provider. */
export interface ProviderStatus {
  name: string;
  plugin: string;
  status: 'idle' | 'ready' | 'failed';
  error?: string;
}

/** Makes a provider instance for an `llm.providers` entry; by default through the plugin registry. */
export type ProviderFactory = (name: string, plugin: string, options: Record<string, unknown>) => Promise<ChatProvider>;

/** `provider:openai` from `openai` or `provider:openai`; the entry's own name when no plugin is given. */
function pluginOf(name: string, entry: LlmConfig['providers'][string]): string {
  const ref = entry.plugin ?? name;
  return ref.startsWith('provider:') ? ref.slice('provider:'.length) : ref;
}

/**
 * The configured providers, each an instance of a `provider` plugin made with that entry's options (so one plugin
 * serves several endpoints). Instances are made on first use, not at start-up: creating one reads an API key, and a
 * gateway that never talks to a model must not fail for a missing key. A failed creation is kept (and reported) and
 * tried again after `retryFailedMs`, so fixing an environment variable does not need a restart of the gateway.
 */
export class ProviderRegistry {
  readonly #entries: LlmConfig['providers'];
  readonly #factory: ProviderFactory;
  readonly #logger: Logger;
  readonly #instances = new Map<string, Promise<ChatProvider>>();
  readonly #statuses = new Map<string, ProviderStatus>();
  readonly #failedAt = new Map<string, number>();

  constructor(
    config: LlmConfig,
    options: { plugins?: PluginRegistry; factory?: ProviderFactory; logger: Logger },
    private readonly retryFailedMs = 30_000,
  ) {
    this.#entries = config.providers;
    this.#logger = options.logger;
    const plugins = options.plugins;
    this.#factory =
      options.factory ??
      (async (name, plugin, pluginOptions) => {
        if (!plugins) {
          throw new LocalmcpError(
            ErrorCodes.PLUGIN_REQUIRED_MISSING,
            `provider "${name}" needs the plugin provider:${plugin}, but no plugins were loaded`,
          );
        }
        return plugins.create('provider', plugin, pluginOptions, name);
      });
    for (const [name, entry] of Object.entries(this.#entries)) {
      this.#statuses.set(name, { name, plugin: `provider:${pluginOf(name, entry)}`, status: 'idle' });
    }
  }

  names(): string[] {
    return Object.keys(this.#entries);
  }

  statuses(): ProviderStatus[] {
    return [...this.#statuses.values()].map((s) => ({ ...s }));
  }

  /** The provider named `name` (a key of `llm.providers`), created on first use. */
  get(name: string): Promise<ChatProvider> {
    const entry = this.#entries[name];
    if (!entry) {
      return Promise.reject(
        new LocalmcpError(ErrorCodes.MODEL_NOT_FOUND, `no provider "${name}" in llm.providers`, { data: { name } }),
      );
    }
    const failedAt = this.#failedAt.get(name);
    if (failedAt !== undefined && Date.now() - failedAt >= this.retryFailedMs) {
      this.#instances.delete(name);
      this.#failedAt.delete(name);
    }
    let instance = this.#instances.get(name);
    if (!instance) {
      const plugin = pluginOf(name, entry);
      instance = this.#factory(name, plugin, entry.options).then(
        (provider) => {
          this.#statuses.set(name, { name, plugin: `provider:${plugin}`, status: 'ready' });
          return provider;
        },
        (error: unknown) => {
          this.#failedAt.set(name, Date.now());
          const message = errorMessage(error);
          this.#statuses.set(name, { name, plugin: `provider:${plugin}`, status: 'failed', error: message });
          this.#logger.warn({ provider: name, plugin: `provider:${plugin}`, err: message }, 'provider unavailable');
          throw error;
        },
      );
      this.#instances.set(name, instance);
    }
    return instance;
  }

  /** Closes the providers made so far (the plugin registry also closes them; closing twice is harmless). */
  async close(): Promise<void> {
    const instances = [...this.#instances.values()];
    this.#instances.clear();
    await Promise.all(
      instances.map(async (instance) => {
        const provider = await instance.catch(() => undefined);
        await provider?.close?.().catch(() => undefined);
      }),
    );
  }
}
