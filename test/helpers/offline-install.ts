// `npm install --offline` for a scaffolded package, with no network: the tarballs come from the npm cache that
// the repository's own `npm ci` filled. A lockfile is needed for that: without one npm asks the registry for each
// package's metadata (packuments), which `npm ci` does not cache. So the lockfile is derived from the root
// package-lock.json: the same versions and integrity hashes, every `resolved` URL spelled out (the root lock omits
// them), and `file:` dependencies as links. Any dependency the root does not pin fails here, loudly.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { REPO } from './gateway.js';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const REGISTRY = 'https://registry.npmjs.org/';

/** Writes `<dir>/package-lock.json` pinning `<dir>/package.json`'s dependencies to the root lockfile's packages. */
export async function writeOfflineLockfile(dir: string): Promise<void> {
  const root = JSON.parse(await readFile(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
  const wanted = { ...manifest.dependencies, ...manifest.devDependencies };
  const packages: Record<string, LockEntry> = {
    '': {
      name: manifest.name,
      version: manifest.version,
      dependencies: manifest.dependencies,
      devDependencies: manifest.devDependencies,
    },
  };
  // Node's resolution inside the root lock's layout: <from>/node_modules/<name>, then each parent's.
  const locate = (from: string, name: string): string | undefined => {
    for (let base = from; ;) {
      const path = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (root.packages[path]) return path;
      if (!base) return undefined;
      const at = base.lastIndexOf('/node_modules/');
      base = at === -1 ? '' : base.slice(0, at);
    }
  };
  const queue: string[] = [];
  for (const [name, spec] of Object.entries(wanted)) {
    if (spec.startsWith('file:')) {
      const target = resolve(dir, spec.slice(5));
      const source = root.packages[relative(REPO, target)];
      if (!source) throw new Error(`${spec} is not a workspace package of the repository`);
      packages[`node_modules/${name}`] = { resolved: relative(dir, target), link: true };
      packages[relative(dir, target)] = { ...source };
      continue;
    }
    const path = locate('', name);
    if (!path) throw new Error(`${name} (${dir}) is not in the root package-lock.json, so it cannot install offline`);
    queue.push(path);
  }
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    if (packages[path]) continue;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = root.packages[path]!;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    entry.resolved ??= `${REGISTRY}${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = entry;
    for (const dependency of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = locate(path, dependency);
      if (found) queue.push(found);
      else if (!entry.optionalDependencies?.[dependency]) throw new Error(`${dependency} of ${path} is not locked`);
    }
  }
  const lock = { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages };
  await writeFile(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
}

/**
 * The environment for npm in a scaffold: this process's, without the `npm_*` variables `npm test` sets (they would
 * point npm at the repository), offline, quiet.
 */
export function npmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return {
    ...env,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

export interface Run {
  code: number | null;
  stdout: string;
  /** stdout and stderr interleaved, for failure messages. */
  output: string;
  ms: number;
}

/** Runs a command to its end (killed after `timeoutMs`) with stdout and stderr interleaved in `output`. */
export function run(command: string, args: string[], cwd: string, env = npmEnv(), timeoutMs = 180_000): Promise<Run> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((output += chunk), (stdout += chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, output, ms: Math.round(performance.now() - started) });
    });
  });
}

/** `npm install --offline` in a scaffold, after writing its lockfile; throws with npm's output when it fails. */
export async function installOffline(dir: string): Promise<Run> {
  await writeOfflineLockfile(dir);
  const result = await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], dir);
  if (result.code !== 0) {
    const hint = /ENOTCACHED/.test(result.output)
      ? '\n(a package is missing from the npm cache: run `npm ci` in the repository first, which fills it)'
      : '';
    throw new Error(`npm install --offline in ${dir} exited with ${result.code}${hint}\n${result.output}`);
  }
  return result;
}
