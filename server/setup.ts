import { GatewayConfigSchema, type GatewayConfig, type UpstreamConfig } from './config/schema.js';
import { applyOverrides, envOverrides } from './config/overrides.js';
import { loadConfig } from './config/load.js';
import { toUpstreams } from './config/upstreams.js';
import { demoServers } from './demo/index.js';
import { breakerPluginName } from './resilience/setup.js';

export interface SetupOptions {
  configPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Command-line values; they win over the environment, which wins over the file. */
  overrides?: { host?: string; port?: number; token?: string; adminToken?: string; stateless?: boolean };
}

export interface Setup {
  /** The config file read, or undefined when the built-in demo upstreams are used. */
  file: string | undefined;
  demo: boolean;
  config: GatewayConfig;
  upstreams: UpstreamConfig[];
  warnings: string[];
}

/**
 * Everything `serve`, `servers list` and `tools list` need before they start: the config file (or the embedded
 * default of two demo upstreams when there is none), with environment and command-line overrides applied.
 */
export async function loadSetup(options: SetupOptions = {}): Promise<Setup> {
  const env = options.env ?? process.env;
  const loaded = await loadConfig({ path: options.configPath, cwd: options.cwd, env });
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const overrides = { ...defined(envOverrides(env)), ...defined(options.overrides ?? {}) };
  if (loaded.file !== undefined) {
    return {
      file: loaded.file,
      demo: false,
      config: applyOverrides(loaded.config, overrides),
      upstreams: loaded.upstreams,
      warnings: loaded.warnings,
    };
  }
  const config = applyOverrides(GatewayConfigSchema.parse({ mcpServers: demoServers() }), overrides);
  return { file: undefined, demo: true, config, upstreams: toUpstreams(config, { env }), warnings: loaded.warnings };
}

/** `search:exact` from `exact` or `search:exact`: config fields may name a plugin with or without its kind. */
export function pluginIdOf(kind: string, ref: string): string {
  return ref.includes(':') ? ref : `${kind}:${ref}`;
}

/** What the loader needs from the config: required, disabled and used plugin ids, and their options. */
export function pluginLoadOptions(config: GatewayConfig) {
  const { discovery, plugins, resilience } = config;
  // The vector backend is only used together with an embedder.
  const used = discovery.embedder
    ? [pluginIdOf('embedder', discovery.embedder), pluginIdOf('search', discovery.backend)]
    : [];
  const l3Embedder = config.cache.l3.enabled ? (config.cache.l3.embedder ?? discovery.embedder) : undefined;
  if (l3Embedder) used.push(pluginIdOf('embedder', l3Embedder));
  const options: Record<string, unknown> = { ...plugins.options };
  const required = [...plugins.required];
  const breaker = breakerPluginName(resilience);
  if (breaker !== undefined) {
    // The breaker guards every call: it is required, and `resilience.options` are its options.
    const id = `breaker:${breaker}`;
    used.push(id);
    if (!required.includes(id)) required.push(id);
    options[id] = { ...(plugins.options[id] ?? {}), ...resilience.options };
  }
  return { required, disabled: plugins.disabled, options, used };
}
