import type { Config } from '@oclif/core';
import { pluginCandidateFromManifest } from '../server/plugins/index.js';
import type { PluginCandidate, PluginSource } from '../server/plugins/index.js';

// oclif's plugin types: `core` (listed in our package.json's oclif.plugins, including first-party plugins),
// `user` (`plugins install`), `link` (`plugins link`) and `dev` (devPlugins, only in development).
function sourceOf(type: string): PluginSource {
  return type === 'user' || type === 'link' ? type : 'core';
}

/**
 * The localmcp plugins among the oclif plugins: every package whose package.json has `localmcp.plugin`, whether
 * bundled as a core plugin, installed with `localmcp plugins install` or linked. oclif has already found and read
 * them (user plugins from `<data dir>/package.json`), so this only filters. A package may be both an oclif plugin
 * (commands) and a localmcp plugin (gateway features).
 */
export async function pluginCandidatesFromOclif(config: Config): Promise<PluginCandidate[]> {
  const candidates: PluginCandidate[] = [];
  for (const plugin of config.getPluginsList()) {
    const pjson = plugin.pjson as Record<string, unknown>;
    const candidate = pluginCandidateFromManifest({ ...pjson, name: plugin.name }, plugin.root, sourceOf(plugin.type));
    if (candidate) candidates.push(candidate);
  }
  return candidates;
}
