import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginCandidate } from './types.js';

/**
 * Plugins built into the gateway package itself: the exact vector index and the elastic and classic breakers. They are loaded through the same
 * candidate → import → validate → create path as any installed plugin, as the `core` source: created only
 * when the config uses them.
 */
export function builtinPluginCandidates(): PluginCandidate[] {
  const ext = extname(fileURLToPath(import.meta.url)); // .js in dist, .ts when run from source
  const module = (path: string) => fileURLToPath(new URL(`${path}${ext}`, import.meta.url));
  return [
    {
      packageName: 'localmcp',
      root: fileURLToPath(new URL('../..', import.meta.url)),
      entry: module('../discovery/vector/builtin-plugin'),
      source: 'core',
    },
    {
      packageName: 'localmcp',
      root: fileURLToPath(new URL('../..', import.meta.url)),
      entry: module('../resilience/builtin-plugins'),
      source: 'core',
    },
  ];
}
