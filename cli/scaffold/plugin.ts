import { readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginKind } from '@localmcp/plugin-api';
import { checkEmptyDir, checkName, pascalCase, ScaffoldInputError, upperSnake } from './names.js';
import { ownDependencyVersion, ownPackage, templatesDir } from './package-root.js';
import { KIND_SUMMARY } from './prompts.js';
import { renderText, renderTree, writeFiles } from './render.js';

/** What `localmcp init plugin` is asked to do. */
export interface ScaffoldPluginOptions {
  kind: PluginKind;
  name: string;
  /** The package folder; default `./localmcp-<kind>-<name>`. */
  dir?: string;
  /** How to depend on @localmcp/plugin-api: `auto` (default), `file`, `registry`, or an npm spec. */
  api?: string;
  /** Write into a folder that is not empty (files of the scaffold are overwritten). */
  force?: boolean;
  cwd?: string;
}

/** What `localmcp init plugin` did (its `--json` output). */
export interface ScaffoldPluginResult {
  id: string;
  packageName: string;
  dir: string;
  /** The @localmcp/plugin-api dependency written into package.json. */
  api: string;
  written: string[];
}

const CLASS_SUFFIX: Record<PluginKind, string> = {
  provider: 'ChatProvider',
  embedder: 'Embedder',
  search: 'SearchBackend',
  breaker: 'BreakerPolicy',
};

const DESCRIPTION: Record<PluginKind, string> = {
  provider: 'Chat with tool calls against an OpenAI-compatible endpoint',
  embedder: 'Feature-hashing text embeddings, with no model and no network',
  search: 'An exact in-memory vector index for tool discovery',
  breaker: 'A circuit breaker per upstream server: consecutive failures open it, a trial call closes it',
};

/**
 * Renders `templates/plugin/common` and `templates/plugin/<kind>` into a new package: a plugin on the public
 * contract (`@localmcp/plugin-api` only), with tests that create it the way the gateway does. It builds and its
 * tests pass as written (CI renders every kind, installs it offline, runs `npm test`, and serves it).
 */
export async function scaffoldPlugin(options: ScaffoldPluginOptions): Promise<ScaffoldPluginResult> {
  const { kind, name } = options;
  checkName(name, 'the plugin name');
  if (!(kind in CLASS_SUFFIX)) throw new ScaffoldInputError(`unknown plugin kind "${kind}"`);
  const packageName = `localmcp-${kind}-${name}`;
  const dir = resolve(options.cwd ?? process.cwd(), options.dir ?? packageName);
  checkEmptyDir(dir, options.force);
  const api = pluginApiDependency(dir, options.api);
  const id = `${kind}:${name}`;
  const vars: Record<string, string> = {
    id,
    kind,
    name,
    packageName,
    className: `${pascalCase(name)}${CLASS_SUFFIX[kind]}`,
    envPrefix: upperSnake(name),
    description: DESCRIPTION[kind],
    kindSummary: KIND_SUMMARY[kind],
    apiSpec: api.spec,
    apiNote: api.note,
    // As `npm pkg` and prettier write it, so the file needs no reformatting.
    bundleDependencies: api.bundled ? '[\n    "@localmcp/plugin-api"\n  ]' : '[]',
    zodVersion: ownDependencyVersion('zod'),
    typescriptVersion: ownDependencyVersion('typescript'),
    typesNodeVersion: ownDependencyVersion('@types/node'),
  };
  const kindDir = join(templatesDir(), 'plugin', kind);
  const usageFile = join(kindDir, 'USAGE.md');
  vars.usage = renderText(await readFile(usageFile, 'utf8'), vars, usageFile).trimEnd();
  const files = [
    ...(await renderTree(join(templatesDir(), 'plugin', 'common'), vars)),
    ...(await renderTree(kindDir, vars, { exclude: ['USAGE.md'] })),
  ];
  const written = await writeFiles(dir, files, { force: true });
  return { id, packageName, dir, api: api.spec, written };
}

/**
 * The `@localmcp/plugin-api` dependency of a new plugin. The api is checked by marker, so any copy works; what
 * matters is that `npm install` can get one:
 * - `auto`: when this localmcp runs from a source checkout, `file:` (below); when it was installed from a registry,
 *   the api came from there too, so `^<version>`.
 * - `file`: the copy this localmcp runs with, as a path relative to the plugin when the plugin sits inside or
 *   next to the localmcp checkout (it can be committed there), absolute otherwise; `bundleDependencies` packs it
 *   into `npm pack`'s tarball, so the tarball installs anywhere, offline too.
 * - `registry`: `^<version>`.
 * - anything else is used as the npm spec as it is.
 */
export function pluginApiDependency(
  pluginDir: string,
  mode = 'auto',
): { spec: string; bundled: boolean; note: string } {
  const apiDir = pluginApiDir();
  const version = (JSON.parse(readFileSync(join(apiDir, 'package.json'), 'utf8')) as { version: string }).version;
  const fromRegistry = apiDir.split(sep).includes('node_modules');
  const registry = {
    spec: `^${version}`,
    bundled: false,
    note: 'Any copy of a compatible version works: localmcp checks plugins by a marker, not by identity.',
  };
  if (mode === 'registry' || (mode === 'auto' && fromRegistry)) return registry;
  if (mode !== 'file' && mode !== 'auto') return { ...registry, spec: mode, note: 'It was chosen with `--api`.' };
  const checkoutParent = dirname(ownPackage().root);
  const near =
    !relative(checkoutParent, pluginDir).startsWith('..') && !isAbsolute(relative(checkoutParent, pluginDir));
  const path = near ? relative(pluginDir, apiDir).split(sep).join('/') : apiDir;
  return {
    spec: `file:${path}`,
    bundled: true,
    note:
      'It is not on the npm registry yet, so this is the copy your localmcp runs with, and `bundleDependencies` ' +
      'packs it into the tarball `npm pack` makes, so that installs anywhere. Once it is published, depend on ' +
      `\`^${version}\` instead and drop \`bundleDependencies\`.`,
  };
}

/** The real folder of the @localmcp/plugin-api this localmcp runs with (a workspace link resolved). */
function pluginApiDir(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve('@localmcp/plugin-api')));
  while (!readdirHasPackage(dir)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the package.json of @localmcp/plugin-api');
    dir = parent;
  }
  return realpathSync(dir);
}

function readdirHasPackage(dir: string): boolean {
  try {
    return (
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === '@localmcp/plugin-api'
    );
  } catch {
    return false;
  }
}
