import { readFileSync } from 'node:fs';
import { ErrorCodes, errorMessage, LocalmcpError } from '@localmcp/plugin-api';
import { parse as parseDotenv } from 'dotenv';
import { formatPath } from './format-issues.js';
import { resolvePath } from './paths.js';
import { defaultNamespace } from './schema-fields.js';
import type { GatewayConfig, ServerConfig, UpstreamConfig } from './schema.js';

/** Where relative paths in a config point. */
export interface ToUpstreamsOptions {
  /** Relative `cwd` and `envFile` resolve against this; default: the process's working directory. */
  baseDir?: string;
  /** For `~` expansion; default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** The config file, for error messages. */
  file?: string;
}

/**
 * The normalised upstream list, in file order: namespace defaults, `envFile` read and merged under `env`,
 * relative `cwd` made absolute. Disabled servers are included with `enabled: false` so they can be listed
 * (and switched on) without reloading the config.
 */
export function toUpstreams(config: GatewayConfig, options: ToUpstreamsOptions = {}): UpstreamConfig[] {
  const baseDir = options.baseDir ?? process.cwd();
  const env = options.env ?? process.env;
  return Object.entries(config.mcpServers).map(([name, server]) =>
    toUpstream(name, server, baseDir, env, options.file),
  );
}

function toUpstream(
  name: string,
  server: ServerConfig,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  file: string | undefined,
): UpstreamConfig {
  const fromFile = server.envFile === undefined ? {} : readEnvFile(name, server.envFile, baseDir, env, file);
  return {
    name,
    transport: server.transport,
    ...(server.command === undefined ? {} : { command: server.command }),
    args: [...server.args],
    // As in VS Code: variables written in `env` win over the same names in `envFile`.
    env: { ...fromFile, ...server.env },
    ...(server.cwd === undefined ? {} : { cwd: resolvePath(server.cwd, baseDir, env) }),
    ...(server.url === undefined ? {} : { url: server.url }),
    headers: { ...server.headers },
    enabled: server.enabled,
    namespace: server.namespace ?? defaultNamespace(name),
    ...(server.description === undefined ? {} : { description: server.description }),
    tools: {
      ...(server.tools.allow === undefined ? {} : { allow: [...server.tools.allow] }),
      deny: [...server.tools.deny],
    },
    timeouts: { ...server.timeouts },
    restart: { ...server.restart },
  };
}

function readEnvFile(
  name: string,
  envFile: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  file: string | undefined,
): Record<string, string> {
  const resolved = resolvePath(envFile, baseDir, env);
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (error) {
    const field = formatPath(['mcpServers', name, 'envFile']);
    throw new LocalmcpError(
      ErrorCodes.CONFIG_NOT_FOUND,
      `${file ?? 'config'}: ${field}: cannot read ${resolved}: ${errorMessage(error)}`,
      { cause: error, data: { file, path: field, envFile: resolved } },
    );
  }
  return parseDotenv(text);
}
