import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginLogger } from '@localmcp/plugin-api';
import { readPluginCandidate } from '../../server/plugins/index.js';
import type { PluginCandidate } from '../../server/plugins/index.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliBin = join(repoRoot, 'cli', 'bin', 'run.js');
export const pluginFixturesDir = join(repoRoot, 'test', 'fixtures', 'plugins');

/** The fixture plugin packages, by directory, and the names they are published under. */
export const fixturePlugins = {
  'good-plugin': 'localmcp-plugin-fixture-good',
  'throwing-plugin': 'localmcp-plugin-fixture-throws',
  'create-throws-plugin': 'localmcp-plugin-fixture-create-throws',
} as const;
export type FixturePlugin = keyof typeof fixturePlugins;

const tempDirs: string[] = [];

/** A fresh temp dir, removed by {@link removeTempDirs} (register it with `test.after.always`). */
export async function tempDir(prefix = 'localmcp-plugins-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every dir {@link tempDir} made in this process. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

// ------------------------------------------------------------------------------------------- in-process helpers

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  bindings: Record<string, unknown>;
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A PluginLogger that keeps every record, children included, in one shared `records` array. */
export function captureLogger(): PluginLogger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const make = (bindings: Record<string, unknown>): PluginLogger => {
    const at = (level: LogRecord['level']) => (fields: Record<string, unknown>, message?: string) =>
      void records.push({ level, bindings, fields, message });
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), { records });
}

/** The candidate for one fixture package in test/fixtures/plugins. */
export async function fixtureCandidate(fixture: FixturePlugin): Promise<PluginCandidate> {
  const candidate = await readPluginCandidate(join(pluginFixturesDir, fixture), 'local');
  if (!candidate) throw new Error(`fixture ${fixture} is not a localmcp plugin package`);
  return candidate;
}

/**
 * Writes a throw-away plugin package (package.json + index.js with `source`) into a fresh temp dir and returns
 * its candidate. `localmcp` replaces the package.json field, for broken-manifest cases.
 */
export async function tempPluginPackage(
  name: string,
  source: string,
  options: { localmcp?: unknown } = {},
): Promise<PluginCandidate> {
  const root = join(await tempDir(), name);
  await mkdir(root, { recursive: true });
  const pjson = {
    name,
    version: '0.0.1',
    type: 'module',
    oclif: {},
    localmcp: options.localmcp ?? { plugin: './index.js' },
  };
  await writeFile(join(root, 'package.json'), JSON.stringify(pjson, null, 2));
  await writeFile(join(root, 'index.js'), source);
  const candidate = await readPluginCandidate(root, 'local');
  if (!candidate) throw new Error(`${root} is not a plugin package`);
  return candidate;
}

// ------------------------------------------------------------------------------------------- CLI (real processes)

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for CLI and npm child processes confined to temp dirs: oclif's data, cache and config dirs,
 * HOME and the XDG dirs (npm's cache and logs go under HOME). Every npm_* variable is dropped: under `npm test`
 * they include npm_config_local_prefix, which would make the CLI's `npm install` write into this repository.
 * HOME and friends live beside the data dir (`<dataDir>-home`), so the data dir holds only what oclif puts there.
 */
export function isolatedCliEnv(dataDir: string): NodeJS.ProcessEnv {
  const home = join(dirname(dataDir), `${basename(dataDir)}-home`);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    LOCALMCP_DATA_DIR: dataDir,
    LOCALMCP_CACHE_DIR: join(home, 'localmcp-cache'),
    LOCALMCP_CONFIG_DIR: join(home, 'localmcp-config'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

/** Runs a command to its end (killed after `timeoutMs`, so a test never hangs) and collects its output. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
) {
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\n[test helper] killed after ${options.timeoutMs ?? 90_000} ms`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 90_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node cli/bin/run.js ...args` with the isolated env of `dataDir`. */
export function runCli(dataDir: string, args: string[], timeoutMs?: number): Promise<RunResult> {
  return run(process.execPath, [cliBin, ...args], {
    env: isolatedCliEnv(dataDir),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

/** Describes a finished process for an assertion message. */
export function describeRun(what: string, result: RunResult): string {
  return `${what} exited with ${String(result.code)}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** `npm pack` of a fixture plugin into `destination`; returns the tarball's absolute path. */
export async function packFixturePlugin(
  fixture: FixturePlugin,
  destination: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const result = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: join(pluginFixturesDir, fixture),
    env,
  });
  if (result.code !== 0) throw new Error(describeRun(`npm pack ${fixture}`, result));
  const [packed] = JSON.parse(result.stdout) as Array<{ filename: string }>;
  if (!packed) throw new Error(describeRun(`npm pack ${fixture} (no tarball reported)`, result));
  return join(destination, packed.filename);
}

/** What {@link installFixturePlugin} did: the package installed, from which tarball, and the env it used. */
export interface InstalledFixturePlugin {
  packageName: string;
  tarball: string;
  /** The argument given to `localmcp plugins install`: `file:<absolute tarball path>`. */
  installSpec: string;
  /** The isolated env (data dir, HOME, XDG): pass it to later CLI processes, e.g. `localmcp serve`. */
  env: NodeJS.ProcessEnv;
  result: RunResult;
}

/**
 * Packs a fixture plugin (the good one by default) and installs it with the real CLI:
 * `localmcp plugins install file:<abs tgz>` with LOCALMCP_DATA_DIR=`dataDir`. Give a `dataDir` inside a temp dir
 * of your own (e.g. `join(await tempDir(), 'data')`): HOME and the tarball go beside it, in `<dataDir>-home` and
 * `<dataDir>-packs`. Throws, with the CLI's output, if the install fails. The `file:` prefix is needed: plugin-plugins 5.5.2 takes an argument containing `/` but no
 * `:` for a GitHub `owner/repo` slug, so a bare tarball path would be fetched from github.com.
 */
export async function installFixturePlugin(
  dataDir: string,
  fixture: FixturePlugin = 'good-plugin',
): Promise<InstalledFixturePlugin> {
  const env = isolatedCliEnv(dataDir);
  const packDir = join(dirname(dataDir), `${basename(dataDir)}-packs`);
  await mkdir(packDir, { recursive: true });
  await mkdir(env['HOME']!, { recursive: true });
  const tarball = await packFixturePlugin(fixture, packDir, env);
  const installSpec = `file:${tarball}`;
  const result = await runCli(dataDir, ['plugins', 'install', installSpec]);
  if (result.code !== 0) throw new Error(describeRun(`localmcp plugins install ${installSpec}`, result));
  return { packageName: fixturePlugins[fixture], tarball, installSpec, env, result };
}
