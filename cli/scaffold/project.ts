import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import { parse as parseDotenv } from 'dotenv';
import { Document, isScalar, parse, Scalar, visit } from 'yaml';
import { loadServerCatalog, pickServers } from './catalog.js';
import { envReferences, renderEnvExample } from './env-vars.js';
import { importClientConfig, type ServerEntry } from './import-config.js';
import { templatesDir } from './package-root.js';
import { renderText, writeFiles, type RenderedFile } from './render.js';

/** What `localmcp init` is asked to do. */
export interface InitProjectOptions {
  /** Where localmcp.yaml, .env.example and docker-compose.override.yml go. */
  dir: string;
  /** Ids of well-known servers (templates/init/servers.yaml). */
  servers: readonly string[];
  /** A Claude Desktop, Cursor, Claude Code or VS Code config whose servers are imported. */
  importFile?: string;
  /** Overwrite localmcp.yaml and docker-compose.override.yml. */
  force?: boolean;
}

/** What `localmcp init` did (its `--json` output). */
export interface InitProjectResult {
  dir: string;
  /** Absolute paths of the files written. */
  written: string[];
  /** Files left alone because they exist (docker-compose.override.yml without --force). */
  kept: string[];
  /** Server names now under mcpServers, in order. */
  servers: string[];
  /** Every variable localmcp.yaml reads, as listed in .env.example; `required` when it has no default. */
  variables: Array<{ name: string; required: boolean }>;
  imported?: { file: string; servers: string[]; warnings: string[]; movedToDotenv: string[] };
}

const GATEWAY_VARIABLES: Record<string, string> = {
  LOCALMCP_TOKEN: 'bearer token every client must send; empty: none (then the gateway listens on loopback only)',
  LOCALMCP_ADMIN_TOKEN: "token of the admin API (/api/v1); empty: the admin API answers this machine's requests only",
};

/**
 * Writes a project: `localmcp.yaml` with the chosen well-known servers and/or the imported ones,
 * `.env.example` listing every variable it reads (merged into an existing one), `.env` holding credentials moved
 * out of an imported config, and `docker-compose.override.yml` mounting the folder into the compose service.
 * Nothing is written when localmcp.yaml exists and `force` is not set.
 */
export async function initProject(options: InitProjectOptions): Promise<InitProjectResult> {
  const dir = resolve(options.dir);
  const catalog = await loadServerCatalog();
  const picked = pickServers(catalog, options.servers);
  const imported = options.importFile ? await importClientConfig(options.importFile, { destDir: dir }) : undefined;

  const entries: Array<{ name: string; entry: ServerEntry; comment: string }> = [];
  for (const [name, entry] of Object.entries(imported?.servers ?? {})) {
    entries.push({ name, entry, comment: `imported from ${imported!.file}` });
  }
  for (const server of picked) {
    if (entries.some((e) => e.name === server.id)) {
      throw new LocalmcpError(
        ErrorCodes.CONFIG_INVALID,
        `server "${server.id}" is both imported and picked from the list; leave it out of --servers`,
      );
    }
    const needs = server.needs ? `; needs ${server.needs}` : '';
    entries.push({ name: server.id, entry: server.config, comment: `${server.description}${needs}` });
  }

  const template = join(templatesDir(), 'init', 'localmcp.yaml');
  const config = renderText(await readFile(template, 'utf8'), { mcpServers: mcpServersBlock(entries) }, template);
  const references = envReferences(parse(config));
  const describe = (name: string) =>
    GATEWAY_VARIABLES[name] ??
    imported?.variables[name] ??
    picked.map((s) => (s.env[name] ? `${s.id}: ${s.env[name]}` : undefined)).find(Boolean);

  const configFile = join(dir, 'localmcp.yaml');
  if (existsSync(configFile) && !options.force) {
    throw new LocalmcpError(ErrorCodes.INIT_FILE_EXISTS, `${configFile} already exists`, {
      data: { files: [configFile] },
    });
  }
  const files: RenderedFile[] = [{ path: 'localmcp.yaml', content: config }];
  const envExampleFile = join(dir, '.env.example');
  const existingExample = existsSync(envExampleFile) ? await readFile(envExampleFile, 'utf8') : undefined;
  files.push({ path: '.env.example', content: renderEnvExample(references, describe, existingExample).text });

  const secrets = imported?.secrets ?? {};
  if (Object.keys(secrets).length > 0) {
    const dotenvFile = join(dir, '.env');
    const existing = existsSync(dotenvFile) ? await readFile(dotenvFile, 'utf8') : '';
    files.push({ path: '.env', content: appendDotenv(existing, secrets), mode: 0o600 });
  }

  const kept: string[] = [];
  const composeFile = join(dir, 'docker-compose.override.yml');
  if (existsSync(composeFile) && !options.force) kept.push(composeFile);
  else {
    const compose = join(templatesDir(), 'init', 'docker-compose.override.yml');
    files.push({
      path: 'docker-compose.override.yml',
      content: renderText(await readFile(compose, 'utf8'), {}, compose),
    });
  }

  const written = await writeFiles(dir, files, { force: true });
  return {
    dir,
    written,
    kept,
    servers: entries.map((e) => e.name),
    variables: references.map((r) => ({ name: r.name, required: r.default === undefined })),
    ...(imported && {
      imported: {
        file: imported.file,
        servers: Object.keys(imported.servers),
        warnings: imported.warnings,
        movedToDotenv: Object.keys(secrets),
      },
    }),
  };
}

/** `mcpServers:` and the entries, each under a comment; arrays in flow style, as people write args. */
export function mcpServersBlock(
  entries: ReadonlyArray<{ name: string; entry: ServerEntry; comment?: string }>,
): string {
  if (entries.length === 0) return 'mcpServers: {}';
  const blocks = entries.map(({ name, entry, comment }) => {
    const doc = new Document({ [name]: entry });
    visit(doc, {
      Seq: (_key, node) => {
        node.flow = true;
        for (const item of node.items)
          if (isScalar(item) && typeof item.value === 'string') item.type = Scalar.QUOTE_SINGLE;
      },
    });
    const text = doc.toString({ singleQuote: true, lineWidth: 0, flowCollectionPadding: false });
    const lines = text.trimEnd().split('\n');
    return [...(comment ? [`# ${comment}`] : []), ...lines].map((line) => `  ${line}`).join('\n');
  });
  return `mcpServers:\n${blocks.join('\n\n')}`;
}

/** `existing` plus `NAME=value` lines for the names it lacks. */
function appendDotenv(existing: string, values: Record<string, string>): string {
  const present = parseDotenv(existing);
  const lines = Object.entries(values)
    .filter(([name]) => present[name] === undefined)
    .map(([name, value]) => `${name}=${quoteDotenv(value)}`);
  if (lines.length === 0) return existing;
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  return `${existing}${separator}${lines.join('\n')}\n`;
}

// dotenv reads single-quoted values literally; double quotes (JSON) only for a value holding a single quote.
function quoteDotenv(value: string): string {
  if (/^[\w./:@+=-]*$/.test(value)) return value;
  return value.includes("'") ? JSON.stringify(value) : `'${value}'`;
}
