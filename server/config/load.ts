import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, errorMessage, LocalmcpError } from '@localmcp/plugin-api';
import { parse as parseDotenv } from 'dotenv';
import { configInvalidError, toConfigIssues } from './format-issues.js';
import { interpolate } from './interpolate.js';
import { applyOverrides, envOverrides } from './overrides.js';
import { parseConfigText } from './parse-text.js';
import { findConfigFile, homeDir, resolvePath, workspaceFolder } from './paths.js';
import { GatewayConfigSchema } from './schema.js';
import type { GatewayConfig, UpstreamConfig } from './schema.js';
import { stripUnknownKeys } from './unknown-keys.js';
import { toUpstreams } from './upstreams.js';

export { applyOverrides, envOverrides } from './overrides.js';
export type { GatewayOverrides } from './overrides.js';
export { toUpstreams } from './upstreams.js';
export type { ToUpstreamsOptions } from './upstreams.js';

/** A config ready for use. */
export interface LoadedConfig {
  /** The file read (absolute), or undefined when none was found and defaults are in use. */
  file: string | undefined;
  config: GatewayConfig;
  upstreams: UpstreamConfig[];
  /** Things ignored on the way, e.g. `unknown key "mcpServers.foo.autoApprove" ignored`. */
  warnings: string[];
}

/** Where loadConfig() looks and what it interpolates with. */
export interface LoadConfigOptions {
  /** An explicit config file (`--config`); it must exist. */
  path?: string;
  /** Relative paths and the default file names resolve here; default: process.cwd(). */
  cwd?: string;
  /** Variables for interpolation and LOCALMCP_* overrides; default: process.env (never modified). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Finds, reads, interpolates and validates the config: `path`, else LOCALMCP_CONFIG, else localmcp.yaml,
 * localmcp.yml or localmcp.json in `cwd`. With none found, the result has `file: undefined`, all defaults and
 * no upstreams (the caller decides what to run then). LOCALMCP_HOST/PORT/TOKEN are applied on top, since they
 * belong to every way of starting the gateway; flags, applied by the caller with applyOverrides(), win over them.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = locateConfig(options.path, cwd, env);
  let loaded: LoadedConfig;
  if (file === undefined) {
    loaded = { file: undefined, config: GatewayConfigSchema.parse({}), upstreams: [], warnings: [] };
  } else {
    const dir = path.dirname(file);
    const raw = parseConfigText(file, await readText(file));
    const dotenvFile = path.join(dir, '.env');
    const dotenv = existsSync(dotenvFile) ? parseDotenv(await readText(dotenvFile)) : {};
    loaded = parseConfig(raw, { file, env, dotenv, baseDir: dir });
  }
  return { ...loaded, config: applyOverrides(loaded.config, envOverrides(env)) };
}

/**
 * Validates an already parsed config: strips unknown keys (as warnings), interpolates `${...}` with `env`
 * then `dotenv`, validates, and normalises the servers. `baseDir` (default: the file's directory, else the
 * working directory) anchors relative `cwd` and `envFile`. Throws CONFIG_ENV_MISSING or CONFIG_INVALID.
 */
export function parseConfig(
  raw: unknown,
  options: { file?: string; env?: NodeJS.ProcessEnv; dotenv?: Record<string, string>; baseDir?: string },
): LoadedConfig {
  const { file } = options;
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? (file === undefined ? process.cwd() : path.dirname(path.resolve(file)));
  const { value, warnings } = stripUnknownKeys(GatewayConfigSchema, raw ?? {});
  const interpolated = interpolate(value, {
    file,
    env,
    dotenv: options.dotenv ?? {},
    userHome: homeDir(env),
    workspaceFolder: workspaceFolder(file === undefined ? baseDir : path.dirname(path.resolve(file))),
  });
  const result = GatewayConfigSchema.safeParse(interpolated);
  if (!result.success) throw configInvalidError(file, toConfigIssues(result.error.issues), result.error);
  return { file, config: result.data, upstreams: toUpstreams(result.data, { baseDir, env, file }), warnings };
}

function locateConfig(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  const given = explicit ?? (env.LOCALMCP_CONFIG || undefined);
  if (given === undefined) return findConfigFile(cwd);
  const resolved = resolvePath(given, cwd, env);
  if (!existsSync(resolved)) {
    const source = explicit === undefined ? ' (from LOCALMCP_CONFIG)' : '';
    const shown = resolved === given ? given : `${given} (${resolved})`;
    throw new LocalmcpError(ErrorCodes.CONFIG_NOT_FOUND, `Config file not found: ${shown}${source}`, {
      data: { file: resolved },
    });
  }
  return resolved;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    // Exists but unreadable: a directory, or no permission.
    throw new LocalmcpError(ErrorCodes.CONFIG_NOT_FOUND, `Cannot read ${file}: ${errorMessage(error)}`, {
      cause: error,
      data: { file },
    });
  }
}
