import { isPluginDefinition } from '@localmcp/plugin-api';
import type { Embedder, PluginContext } from '@localmcp/plugin-api';
import plugin from '../../src/index.js';
import { testContext } from './context.js';

/**
 * Creates the embedder the way the gateway does: the package's default export, options validated by its own
 * schema (defaults applied), then its factory with a plugin context.
 */
export async function loadEmbedder(rawOptions: unknown, ctx: PluginContext = testContext()): Promise<Embedder> {
  if (!isPluginDefinition(plugin)) throw new Error('the default export is not a plugin definition');
  const parsed = plugin.options!.safeParse(rawOptions);
  if (!parsed.success) {
    throw new Error(
      `invalid options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return plugin.create(parsed.data, ctx);
}
