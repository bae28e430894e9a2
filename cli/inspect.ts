import type { Config } from '@oclif/core';
import {
  builtinPluginCandidates,
  Gateway,
  loadPlugins,
  pluginLoadOptions,
  silentLogger,
  type PluginRegistry,
  type Setup,
} from '../server/index.js';
import { pluginCandidatesFromOclif } from './plugin-candidates.js';

/**
 * Connects to the configured upstreams without serving anything, runs `use`, then ends every upstream process.
 * Used by the listing commands, which want one try per server and no restarts. With `oclif`, plugins are loaded
 * too (needed when discovery uses an embedder).
 */
export async function withUpstreams<T>(
  setup: Setup,
  use: (gateway: Gateway) => T | Promise<T>,
  oclif?: Config,
): Promise<T> {
  const logger = silentLogger();
  let plugins: PluginRegistry | undefined;
  if (oclif && setup.config.discovery.embedder) {
    plugins = await loadPlugins([...builtinPluginCandidates(), ...(await pluginCandidatesFromOclif(oclif))], {
      ...pluginLoadOptions(setup.config),
      logger,
    });
  }
  const upstreams = setup.upstreams.map((u) => ({ ...u, restart: { ...u.restart, maxAttempts: 0 } }));
  const gateway = new Gateway({ config: setup.config, upstreams, logger, plugins, dataDir: oclif?.dataDir });
  try {
    await gateway.start();
    return await use(gateway);
  } finally {
    await gateway.stop(0);
  }
}
