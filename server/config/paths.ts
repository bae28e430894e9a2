import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The names looked for in the working directory when no config path is given, in order. */
export const CONFIG_FILE_NAMES = ['localmcp.yaml', 'localmcp.yml', 'localmcp.json'] as const;

/**
 * The user's home directory. Read from the given environment first so a caller (or a test) that passes its own
 * `env` gets consistent `~` and `${userHome}` expansion; os.homedir() is the fallback.
 */
export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME || env.USERPROFILE || os.homedir();
}

/** `~` or `~/...` at the start of a path becomes the home directory; other paths are returned unchanged. */
export function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  if (p === '~') return homeDir(env);
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(homeDir(env), p.slice(2));
  return p;
}

/** Expands `~`, then resolves a relative path against `baseDir`. */
export function resolvePath(p: string, baseDir: string, env: NodeJS.ProcessEnv): string {
  return path.resolve(baseDir, expandHome(p, env));
}

/**
 * VS Code's `${workspaceFolder}`: the folder that holds `.vscode/` when the config is `.vscode/mcp.json`,
 * otherwise the config file's own directory.
 */
export function workspaceFolder(configDir: string): string {
  return path.basename(configDir) === '.vscode' ? path.dirname(configDir) : configDir;
}

/** The first of {@link CONFIG_FILE_NAMES} present in `cwd`, or undefined. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = path.join(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
