import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The MCP clients whose config files `localmcp init --import` knows by name. */
export const CLIENTS = ['claude-desktop', 'cursor', 'vscode', 'claude-code'] as const;
export type Client = (typeof CLIENTS)[number];

/** A client's config file that exists on this machine. */
export interface ClientConfigFile {
  client: Client;
  /** For people: `Claude Desktop`, `Cursor (this project)`, ... */
  label: string;
  file: string;
}

/**
 * Where each client keeps its MCP servers, project files first: Claude Desktop's `claude_desktop_config.json`,
 * Cursor's `.cursor/mcp.json`, VS Code's `.vscode/mcp.json` (or the user-level `mcp.json`), Claude Code's `.mcp.json`.
 * Claude Code's `~/.claude.json` is left out: it is mostly other state, and its servers sit per project.
 */
export function clientConfigCandidates(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Array<Omit<ClientConfigFile, 'file'> & { file: string }> {
  const home = env.HOME || env.USERPROFILE || homedir();
  const appData =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return [
    { client: 'claude-desktop', label: 'Claude Desktop', file: join(appData, 'Claude', 'claude_desktop_config.json') },
    { client: 'cursor', label: 'Cursor (this project)', file: join(cwd, '.cursor', 'mcp.json') },
    { client: 'cursor', label: 'Cursor (user)', file: join(home, '.cursor', 'mcp.json') },
    { client: 'vscode', label: 'VS Code (this workspace)', file: join(cwd, '.vscode', 'mcp.json') },
    { client: 'vscode', label: 'VS Code (user)', file: join(appData, 'Code', 'User', 'mcp.json') },
    { client: 'claude-code', label: 'Claude Code (this project)', file: join(cwd, '.mcp.json') },
  ];
}

/** The client config files present on this machine, in {@link clientConfigCandidates} order. */
export function findClientConfigs(
  cwd: string,
  env?: NodeJS.ProcessEnv,
  platform?: NodeJS.Platform,
): ClientConfigFile[] {
  return clientConfigCandidates(cwd, env, platform).filter((candidate) => existsSync(candidate.file));
}

/**
 * `--import <value>`: a client's name picks its first config file present (an error when there is none);
 * anything else is a path.
 */
export function resolveImportSource(value: string, cwd: string, env?: NodeJS.ProcessEnv): string {
  if (!(CLIENTS as readonly string[]).includes(value)) return value;
  const candidates = clientConfigCandidates(cwd, env).filter((c) => c.client === value);
  const found = candidates.find((c) => existsSync(c.file));
  if (!found) {
    throw new Error(`no ${value} config found; looked for ${candidates.map((c) => c.file).join(', ')}`);
  }
  return found.file;
}
