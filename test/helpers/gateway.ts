// Gateways for tests: in-process (the real Gateway + Koa app on a free port) or as a real CLI process
// (`node cli/bin/run.js serve`), which is what crash, signal and process-tree tests need.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GatewayConfigSchema, type GatewayConfigInput } from '../../server/config/schema.js';
import { toUpstreams } from '../../server/config/upstreams.js';
import { Gateway } from '../../server/gateway/gateway.js';
import { listenHttp } from '../../server/http/listen.js';
import { silentLogger } from '../../server/telemetry/logger.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(REPO, 'cli/bin/run.js');

/** Paths of the reference MCP servers from npm, run with node directly (npx would add seconds per start). */
export function referenceServer(name: 'everything' | 'memory' | 'filesystem', ...args: string[]) {
  return {
    command: process.execPath,
    args: [join(REPO, `node_modules/@modelcontextprotocol/server-${name}/dist/index.js`), ...args],
  };
}

export interface InProcessGateway {
  gateway: Gateway;
  url: string;
  close(): Promise<void>;
}

/** The real gateway and HTTP app on 127.0.0.1 and a free port; resolves once every upstream had its first try. */
export async function startGateway(
  input: GatewayConfigInput,
  options: { dataDir?: string } = {},
): Promise<InProcessGateway> {
  const config = GatewayConfigSchema.parse(input);
  const gateway = new Gateway({
    config,
    upstreams: toUpstreams(config),
    logger: silentLogger(),
    dataDir: options.dataDir,
  });
  const http = await listenHttp(gateway, '127.0.0.1', 0);
  await gateway.start();
  return {
    gateway,
    url: http.url,
    close: async () => {
      await http.close();
      await gateway.stop(1000);
    },
  };
}

export async function tempDir(prefix = 'localmcp-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes a config file (JSON, which is also YAML) into a fresh temp dir and returns its path. */
export async function writeConfig(config: unknown, name = 'localmcp.json'): Promise<string> {
  const file = join(await tempDir(), name);
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return file;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion with a temp data dir, so no test touches the user's plugins. */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, LOCALMCP_DATA_DIR: await tempDir('localmcp-data-'), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export interface GatewayProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `localmcp serve --port 0 ...` as a real process; resolves when it prints its ready line. */
export async function spawnGateway(args: string[], env: Record<string, string> = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    cwd: REPO,
    env: { ...process.env, LOCALMCP_DATA_DIR: await tempDir('localmcp-data-'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway not ready in 60 s\n${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout += `${line}\n`;
      const match = /^localmcp ready: (http:\/\/\S+)\/mcp/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before ready\n${stderr}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
