import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import { isMap, isScalar, parseDocument, Scalar, visit, type YAMLMap } from 'yaml';
import { CONFIG_FILE_NAMES, stripJsonc } from '../../server/config/index.js';
import { checkEmptyDir, checkName } from './names.js';
import { ownDependencyVersion, templatesDir } from './package-root.js';
import { mcpServersBlock } from './project.js';
import { renderText, renderTree, writeFiles } from './render.js';

/** What `localmcp init server` is asked to do. */
export interface ScaffoldServerOptions {
  name: string;
  /** The server's folder; default `./<name>`. */
  dir?: string;
  /** The config to add it to; default: localmcp.yaml (.yml, .json) in `cwd`, created when there is none. */
  config?: string;
  /** Write into a folder that is not empty, and replace a server of the same name in the config. */
  force?: boolean;
  cwd?: string;
}

/** What `localmcp init server` did (its `--json` output). */
export interface ScaffoldServerResult {
  name: string;
  dir: string;
  /** The config file the server was added to, and whether it was created. */
  config: { file: string; created: boolean };
  /** The entry written under `mcpServers.<name>`. */
  entry: { command: string; args: string[]; cwd: string; description: string };
  written: string[];
}

const DESCRIPTION = 'Counts words, characters and lines (scaffolded by localmcp init server)';

/**
 * Renders `templates/server` (an MCP server on the TypeScript SDK with one tool and its tests) into `dir`, then
 * adds it to the config under `mcpServers.<name>` as `node dist/src/index.js` with `cwd` relative to the config, so
 * the folder and the config can move together. YAML is edited in place (comments kept); JSON is rewritten, and
 * refused when it has comments (they would be lost).
 */
export async function scaffoldServer(options: ScaffoldServerOptions): Promise<ScaffoldServerResult> {
  const cwd = options.cwd ?? process.cwd();
  const { name } = options;
  checkName(name, 'the server name');
  const dir = resolve(cwd, options.dir ?? name);
  checkEmptyDir(dir, options.force);
  const configFile = options.config
    ? resolve(cwd, options.config)
    : (CONFIG_FILE_NAMES.map((file) => join(cwd, file)).find((file) => existsSync(file)) ?? join(cwd, 'localmcp.yaml'));
  const entry = {
    command: 'node',
    args: ['dist/src/index.js'],
    cwd: relative(dirname(configFile), dir).split(sep).join('/') || '.',
    description: DESCRIPTION,
  };
  // The config is read and checked before anything is written, so a clash leaves no half-made server behind.
  const created = !existsSync(configFile);
  const updated = created ? await newConfig(name, entry) : await addToConfig(configFile, name, entry, options.force);

  const vars = {
    name,
    namespace: name,
    packageName: `${name}-mcp-server`,
    description: DESCRIPTION,
    configRelativeDir: entry.cwd,
    sdkVersion: ownDependencyVersion('@modelcontextprotocol/sdk'),
    zodVersion: ownDependencyVersion('zod'),
    typescriptVersion: ownDependencyVersion('typescript'),
    typesNodeVersion: ownDependencyVersion('@types/node'),
  };
  const written = await writeFiles(dir, await renderTree(join(templatesDir(), 'server'), vars), { force: true });
  await writeFile(configFile, updated);
  return { name, dir, config: { file: configFile, created }, entry, written: [...written, configFile] };
}

async function newConfig(name: string, entry: Record<string, unknown>): Promise<string> {
  const template = join(templatesDir(), 'init', 'localmcp.yaml');
  const block = mcpServersBlock([{ name, entry, comment: 'scaffolded by localmcp init server; npm run build first' }]);
  return renderText(await readFile(template, 'utf8'), { mcpServers: block }, template);
}

async function addToConfig(
  file: string,
  name: string,
  entry: Record<string, unknown>,
  force?: boolean,
): Promise<string> {
  const text = await readFile(file, 'utf8');
  const exists = (servers: unknown) => typeof servers === 'object' && servers !== null && Object.hasOwn(servers, name);
  const clash = () =>
    new LocalmcpError(ErrorCodes.INIT_FILE_EXISTS, `${file} already has a server "${name}" (--force replaces it)`, {
      data: { files: [file] },
    });
  if (file.toLowerCase().endsWith('.json')) {
    if (stripJsonc(text) !== text) {
      throw new LocalmcpError(
        ErrorCodes.CONFIG_INVALID,
        `${file} has comments, which rewriting it would lose; add this under "mcpServers" by hand: ` +
          JSON.stringify({ [name]: entry }),
      );
    }
    const config = (text.trim() === '' ? {} : JSON.parse(text)) as Record<string, Record<string, unknown> | undefined>;
    const key = config.mcpServers || !config.servers ? 'mcpServers' : 'servers';
    if (exists(config[key]) && !force) throw clash();
    config[key] = { ...config[key], [name]: entry };
    return `${JSON.stringify(config, null, 2)}\n`;
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new LocalmcpError(ErrorCodes.CONFIG_PARSE_FAILED, `Cannot parse ${file}: ${doc.errors[0]!.message}`);
  }
  const key = doc.has('mcpServers') || !doc.has('servers') ? 'mcpServers' : 'servers';
  let servers = doc.get(key, true);
  if (!isMap(servers)) {
    servers = doc.createNode({});
    doc.set(key, servers);
  }
  const map = servers as YAMLMap;
  map.flow = false; // `mcpServers: {}` from init: the new entry goes in block style
  const at = map.items.findIndex((pair) => (isScalar(pair.key) ? pair.key.value : pair.key) === name);
  if (at >= 0 && !force) throw clash();
  const pair = doc.createPair(name, entry);
  visit(pair.value as YAMLMap, {
    Seq: (_key, seq) => {
      seq.flow = true;
      for (const item of seq.items)
        if (isScalar(item) && typeof item.value === 'string') item.type = Scalar.QUOTE_SINGLE;
    },
  });
  const keyNode = pair.key as Scalar;
  keyNode.commentBefore = ' scaffolded by localmcp init server; npm run build first';
  keyNode.spaceBefore = map.items.length > 0;
  if (at >= 0) map.items[at] = pair as (typeof map.items)[number];
  else map.items.push(pair as (typeof map.items)[number]);
  return doc.toString({ singleQuote: true, lineWidth: 0, flowCollectionPadding: false });
}
