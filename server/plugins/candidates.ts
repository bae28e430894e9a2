import { readdir, readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { ErrorCodes, LocalmcpError, errorMessage } from '@localmcp/plugin-api';
import type { PluginCandidate, PluginSource } from './types.js';

/**
 * Builds a candidate from an already-parsed package.json. Undefined for a package that is not a localmcp plugin
 * (no `localmcp` field). A package that says it is a plugin but names no module still becomes a candidate, with
 * `problem` set, so the loader reports it by name instead of it vanishing.
 */
export function pluginCandidateFromManifest(
  pjson: Record<string, unknown>,
  root: string,
  source: PluginSource,
): PluginCandidate | undefined {
  const field = pjson['localmcp'];
  if (field === undefined || field === null) return undefined;
  const packageName = typeof pjson['name'] === 'string' && pjson['name'] !== '' ? pjson['name'] : basename(root);
  const version = typeof pjson['version'] === 'string' ? pjson['version'] : undefined;
  const base = { packageName, ...(version === undefined ? {} : { version }), root, source };
  const plugin = typeof field === 'object' ? (field as Record<string, unknown>)['plugin'] : undefined;
  if (typeof plugin !== 'string' || plugin === '' || isAbsolute(plugin)) {
    return {
      ...base,
      entry: join(root, 'package.json'),
      problem:
        'package.json field "localmcp.plugin" must be the relative path of the plugin module, e.g. "./dist/index.js"',
    };
  }
  return { ...base, entry: resolve(root, plugin) };
}

/** Reads `<root>/package.json`; undefined when there is none or the package is not a localmcp plugin. */
export async function readPluginCandidate(root: string, source: PluginSource): Promise<PluginCandidate | undefined> {
  const absoluteRoot = resolve(root);
  const pjsonPath = join(absoluteRoot, 'package.json');
  let text: string;
  try {
    text = await readFile(pjsonPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let pjson: unknown;
  try {
    pjson = JSON.parse(text);
  } catch (error) {
    // We cannot tell whether it meant to be a plugin; report it rather than guess it away.
    const problem = `${pjsonPath} is not valid JSON: ${errorMessage(error)}`;
    return { packageName: basename(absoluteRoot), root: absoluteRoot, entry: pjsonPath, source, problem };
  }
  if (typeof pjson !== 'object' || pjson === null || Array.isArray(pjson)) return undefined;
  return pluginCandidateFromManifest(pjson as Record<string, unknown>, absoluteRoot, source);
}

/**
 * Plugins given by path (source `local`): `dir` is either one plugin package or a folder of plugin packages
 * (`dir/<pkg>` and `dir/@scope/<pkg>`), returned sorted by path. Sub-folders that are not plugins are skipped.
 * A `dir` that cannot be read is an error (PLUGIN_LOAD_FAILED): it was configured on purpose.
 */
export async function findLocalPlugins(dir: string): Promise<PluginCandidate[]> {
  const root = resolve(dir);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    throw new LocalmcpError(
      ErrorCodes.PLUGIN_LOAD_FAILED,
      `plugin directory ${root} cannot be read: ${errorMessage(error)}`,
      {
        cause: error,
        data: { path: root },
      },
    );
  }
  const self = await readPluginCandidate(root, 'local');
  if (self) return [self];

  const packageDirs: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    if (!entry.name.startsWith('@')) {
      packageDirs.push(join(root, entry.name));
      continue;
    }
    const scoped = await readdir(join(root, entry.name), { withFileTypes: true });
    for (const inner of scoped) if (inner.isDirectory()) packageDirs.push(join(root, entry.name, inner.name));
  }
  packageDirs.sort();
  const candidates = await Promise.all(packageDirs.map((p) => readPluginCandidate(p, 'local')));
  return candidates.filter((c): c is PluginCandidate => c !== undefined);
}
