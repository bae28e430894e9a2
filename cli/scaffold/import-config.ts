import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ErrorCodes, errorMessage, LocalmcpError } from '@localmcp/plugin-api';
import { GatewayConfigSchema, parseConfig, parseConfigText, stripUnknownKeys } from '../../server/config/index.js';

/** A server entry as users write it under `mcpServers`. */
export type ServerEntry = Record<string, unknown>;

/** What an import yields for `localmcp.yaml`, `.env.example` and `.env`. */
export interface ImportedServers {
  file: string;
  /** The servers, in file order, rewritten into localmcp's dialect. */
  servers: Record<string, ServerEntry>;
  /** What a variable is, for `.env.example`: VS Code input descriptions, where a moved secret came from. */
  variables: Record<string, string>;
  /** Secrets that were written into the imported file, moved out of the config: they go into `.env`. */
  secrets: Record<string, string>;
  /** Keys other clients use that localmcp ignores (`autoApprove`, ...), as the loader reports them. */
  warnings: string[];
}

// Env keys whose values are credentials: a `_`-separated part such as TOKEN, KEY, SECRET (GITHUB_TOKEN,
// BRAVE_API_KEY, AWS_SECRET_ACCESS_KEY). Other values (a region, a log level) stay in the config, readable.
const SECRET_ENV = /(?:^|_)(?:TOKEN|KEY|APIKEY|SECRET|PASSWORD|PASSWD|PASS|PAT|CREDENTIALS?|AUTH)(?:_|$)/i;
const SECRET_HEADER = /^(?:authorization|proxy-authorization|cookie)$|key|token|secret|auth/i;

/**
 * Reads a Claude Desktop, Cursor, Claude Code or VS Code MCP config (JSON with comments, or YAML) with the
 * gateway's own loader pieces and returns its servers in localmcp's dialect:
 * - VS Code's `${input:id}` prompts become `${ID}` variables (described by the input's description), `${env:X}`
 *   becomes `${X}`;
 * - credentials written into the file (env values such as `GITHUB_TOKEN`, `Authorization` headers) become
 *   `${VAR}` references, their values returned in `secrets` for `.env`, so localmcp.yaml can be shared;
 * - `type` is dropped unless it is `sse`, `disabled: true` becomes `enabled: false`, Cline's `timeout` (seconds)
 *   becomes `timeouts.requestMs`, relative `cwd` and `envFile` are rebased onto `destDir`.
 * The result is then validated as the loader validates a config, so a broken entry fails here, naming the file and
 * field, not at `localmcp serve`.
 */
export async function importClientConfig(file: string, options: { destDir: string }): Promise<ImportedServers> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LocalmcpError(ErrorCodes.CONFIG_NOT_FOUND, `Cannot read ${file}: ${errorMessage(error)}`, {
      cause: error,
      data: { file },
    });
  }
  const raw = parseConfigText(file, text) as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (!raw.mcpServers && !raw.servers)) {
    throw new LocalmcpError(
      ErrorCodes.CONFIG_INVALID,
      `${file} has no MCP servers: expected "mcpServers" (Claude Desktop, Cursor, Claude Code) or "servers" (VS Code)`,
      { data: { file } },
    );
  }
  const { value, warnings } = stripUnknownKeys(GatewayConfigSchema, {
    mcpServers: raw.mcpServers,
    servers: raw.servers,
  });
  const stripped = value as { mcpServers?: Record<string, ServerEntry>; servers?: Record<string, ServerEntry> };
  const inputs = inputDescriptions(raw.inputs);
  const result: ImportedServers = { file, servers: {}, variables: {}, secrets: {}, warnings };
  const rename = (text: string) =>
    text.replace(/\$\{input:([^}]+)\}/g, (_m, id: string) => {
      const name = envName(id);
      result.variables[name] ??= inputs.get(id) ?? `VS Code input "${id}" of ${file}`;
      return `\${${name}}`;
    });
  const rewrite = (v: unknown): unknown =>
    typeof v === 'string'
      ? rename(v).replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, '${$1}')
      : Array.isArray(v)
        ? v.map(rewrite)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]))
          : v;
  for (const [name, server] of [
    ...Object.entries(stripped.mcpServers ?? {}),
    ...Object.entries(stripped.servers ?? {}),
  ]) {
    if (Object.hasOwn(result.servers, name)) {
      throw new LocalmcpError(ErrorCodes.CONFIG_INVALID, `${file}: server "${name}" is in both mcpServers and servers`);
    }
    const entry = normalise(rewrite(server) as ServerEntry, dirname(file), options.destDir);
    moveSecrets(name, entry, result);
    result.servers[name] = entry;
  }
  // Validated as the loader would, with every ${...} standing for a harmless value: variables are set later.
  parseConfig({ mcpServers: standIn(result.servers) }, { file, env: {}, dotenv: {}, baseDir: options.destDir });
  return result;
}

/** `github_token` → `GITHUB_TOKEN`: an input id as an environment variable name. */
export function envName(id: string): string {
  const name = id.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function inputDescriptions(inputs: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (!Array.isArray(inputs)) return map;
  for (const input of inputs as Array<{ id?: unknown; description?: unknown }>) {
    if (typeof input?.id === 'string' && typeof input.description === 'string') map.set(input.id, input.description);
  }
  return map;
}

function normalise(server: ServerEntry, sourceDir: string, destDir: string): ServerEntry {
  const { type, disabled, timeout, ...rest } = server;
  const out: ServerEntry = { ...rest };
  if (type === 'sse') out.type = 'sse';
  if (disabled === true && out.enabled === undefined) out.enabled = false;
  const timeouts = (out.timeouts ?? {}) as Record<string, unknown>;
  if (typeof timeout === 'number' && timeouts.requestMs === undefined) {
    out.timeouts = { ...timeouts, requestMs: Math.round(timeout * 1000) };
  }
  for (const key of ['cwd', 'envFile'] as const) {
    const path = out[key];
    if (typeof path === 'string' && !isAbsolute(path) && !path.startsWith('~') && !path.includes('${')) {
      out[key] = relative(destDir, resolve(sourceDir, path)) || '.';
    }
  }
  return out;
}

function moveSecrets(server: string, entry: ServerEntry, result: ImportedServers): void {
  const prefix = envName(server);
  const claim = (preferred: string, value: string, what: string): string => {
    let name = preferred;
    if (result.secrets[name] !== undefined && result.secrets[name] !== value) name = `${prefix}_${preferred}`;
    result.secrets[name] = value;
    result.variables[name] ??= `${what} (moved out of the imported ${result.file})`;
    return name;
  };
  const env = entry.env as Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(env ?? {})) {
    if (typeof value !== 'string' || value === '' || value.includes('$') || !SECRET_ENV.test(key)) continue;
    env![key] = `\${${claim(envName(key), value, `${server}: ${key}`)}}`;
  }
  const headers = entry.headers as Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (typeof value !== 'string' || value === '' || value.includes('$') || !SECRET_HEADER.test(key)) continue;
    const bearer = /^(Bearer|Basic|token)\s+(.+)$/i.exec(value);
    const name = claim(
      `${prefix}_${bearer ? 'TOKEN' : envName(key)}`,
      bearer ? bearer[2]! : value,
      `${server}: ${key}`,
    );
    headers![key] = bearer ? `${bearer[1]} \${${name}}` : `\${${name}}`;
  }
}

// Every ${...} replaced for validation only: a whole-string reference in `url` by a URL, others by a word.
function standIn(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    return key === 'url' && /^\$\{[^}]*\}$/.test(value) ? 'http://localhost/' : value.replace(/\$\{[^}]*\}/g, 'x');
  }
  if (Array.isArray(value)) return value.map((v) => standIn(v));
  if (typeof value === 'object' && value !== null) {
    // envFile would be read by the loader; it belongs to the user's machine and is checked at `serve`.
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'envFile')
        .map(([k, v]) => [k, standIn(v, k)]),
    );
  }
  return value;
}
