import { instantiatePlugin } from '@localmcp/plugin-api';
import type { Embedder, PluginContext } from '@localmcp/plugin-api';
import plugin from '../../src/index.js';
import { testContext } from './context.js';

/** Creates the embedder the way the gateway does (see instantiatePlugin in the api). */
export function loadEmbedder(rawOptions: unknown, ctx: PluginContext = testContext()): Promise<Embedder> {
  return instantiatePlugin(plugin, 'embedder', rawOptions, ctx);
}
