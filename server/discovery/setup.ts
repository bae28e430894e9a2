import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import type { DiscoveryConfig } from '../config/schema.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Logger } from '../telemetry/logger.js';
import type { UpstreamSupervisor } from '../upstream/supervisor.js';
import { EmbeddingCache } from './embedding-cache.js';
import { ToolIndex, type DenseSearch } from './tool-index.js';

export interface ToolIndexSetup {
  config: DiscoveryConfig;
  catalog: Catalog;
  upstreams: UpstreamSupervisor;
  plugins: PluginRegistry | undefined;
  dataDir: string | undefined;
  logger: Logger;
}

function pluginName(ref: string, kind: string): string {
  return ref.startsWith(`${kind}:`) ? ref.slice(kind.length + 1) : ref;
}

/**
 * The tool index with the configured embedder and vector backend, when both loaded. A configured embedder that
 * did not load is logged and the gateway searches lexically: discovery keeps working without it.
 */
export function createToolIndex(setup: ToolIndexSetup): ToolIndex {
  const { config, logger } = setup;
  let dense: DenseSearch | undefined;
  if (config.embedder) {
    const embedder = setup.plugins?.get('embedder', pluginName(config.embedder, 'embedder'));
    const backend = setup.plugins?.get('search', pluginName(config.backend, 'search'));
    if (embedder && backend) {
      const dir = config.cacheDir ?? (setup.dataDir ? join(setup.dataDir, 'embeddings') : undefined);
      dense = { embedder, backend, cache: new EmbeddingCache(dir, embedder.id), fusion: config.fusion };
    } else {
      logger.warn(
        { embedder: config.embedder, backend: config.backend, embedderLoaded: !!embedder, backendLoaded: !!backend },
        'discovery: the configured embedder or vector backend is not loaded; searching lexically only',
      );
    }
  }
  return new ToolIndex({
    catalog: setup.catalog,
    describeServer: (server) => setup.upstreams.get(server)?.status().description,
    strategy: config.strategy,
    dense,
    logger,
  });
}
