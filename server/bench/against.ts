import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openCaller } from './callers.js';
import type { Endpoint } from './wire-client.js';

/**
 * Another gateway in the same benchmark run (`--against`): a URL to call as it is, or a command to start in
 * front of the echo upstream. In a command, `{port}` is a free port, `{upstream}` the echo server's command line
 * and `{config}` a file with `{"mcpServers": {"bench": <echo server>}}`; the gateway is then expected at `url`.
 */
export interface AgainstSpec {
  name: string;
  transport: 'streamable-http' | 'sse';
  url: string;
  command?: string;
}

const require = createRequire(import.meta.url);

/** The gateways known by name: the npm packages mcp-proxy (punkpeye) and mcp-hub (ravitemer), dev dependencies. */
export const PRESETS: Record<string, () => Promise<AgainstSpec>> = {
  // Streamable HTTP at /mcp (it also serves SSE at /sse); its defaults otherwise, as users run it.
  'mcp-proxy': async () => ({
    name: 'mcp-proxy',
    transport: 'streamable-http',
    url: 'http://127.0.0.1:{port}/mcp',
    command: `${quote(process.execPath)} ${quote(await binOf('mcp-proxy'))} --host 127.0.0.1 --port {port} -- {upstream}`,
  }),
  // Its MCP endpoint is the legacy SSE transport: GET /mcp, POST /messages.
  'mcp-hub': async () => ({
    name: 'mcp-hub',
    transport: 'sse',
    url: 'http://127.0.0.1:{port}/mcp',
    command: `${quote(process.execPath)} ${quote(await binOf('mcp-hub'))} --port {port} --config {config}`,
  }),
};

/**
 * Parses one `--against` value: a preset name (`mcp-proxy`), `name=<url>` (an URL ending in `/sse`, or with the
 * `sse+` scheme prefix, is SSE; others Streamable HTTP) or `name=<command>[ @ <url>]` (default url
 * `http://127.0.0.1:{port}/mcp`, Streamable HTTP).
 */
export async function parseAgainst(value: string): Promise<AgainstSpec> {
  const eq = value.indexOf('=');
  if (eq === -1) {
    const preset = PRESETS[value];
    if (!preset) throw new Error(`--against ${value}: not a known gateway (${Object.keys(PRESETS).join(', ')})`);
    return preset();
  }
  const name = value.slice(0, eq).trim();
  const rest = value.slice(eq + 1).trim();
  if (!name || !rest) throw new Error(`--against ${value}: expected <name>=<command|url>`);
  if (/^(sse\+)?https?:\/\//.test(rest)) {
    const sse = rest.startsWith('sse+') || /\/sse\/?$/.test(rest);
    return { name, transport: sse ? 'sse' : 'streamable-http', url: rest.replace(/^sse\+/, '') };
  }
  const at = rest.lastIndexOf(' @ ');
  const command = at === -1 ? rest : rest.slice(0, at).trim();
  const url = at === -1 ? 'http://127.0.0.1:{port}/mcp' : rest.slice(at + 3).trim();
  const sse = url.startsWith('sse+') || /\/sse\/?$/.test(url);
  return { name, transport: sse ? 'sse' : 'streamable-http', url: url.replace(/^sse\+/, ''), command };
}

/**
 * Starts the gateway of `spec` (if it has a command) and waits until its echo tool answers; resolves with where to
 * reach it and how to stop it. A command runs in its own process group, which `stop` ends.
 */
export async function benchTargetProcess(
  spec: AgainstSpec,
  upstream: { command: string; args: string[] },
  readyTimeoutMs = 60_000,
): Promise<{ endpoint: Endpoint; stop: () => Promise<void> }> {
  if (!spec.command) return { endpoint: { transport: spec.transport, url: spec.url }, stop: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), `localmcp-bench-${spec.name}-`));
  const config = join(dir, 'mcp.json');
  await writeFile(config, JSON.stringify({ mcpServers: { bench: upstream } }));
  const port = String(await freePort());
  const fill = (text: string) =>
    text
      .replaceAll('{port}', port)
      .replaceAll('{config}', quote(config))
      .replaceAll('{upstream}', [upstream.command, ...upstream.args].map(quote).join(' '));
  // Gateways that keep state under the XDG directories (mcp-hub) keep it in the temporary directory instead.
  const child = spawn('/bin/sh', ['-c', `exec ${fill(spec.command)}`], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_CACHE_HOME: dir },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const exited = once(child, 'exit');
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group is already gone.
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const endpoint: Endpoint = { transport: spec.transport, url: fill(spec.url) };
  const deadline = Date.now() + readyTimeoutMs;
  let last: unknown;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const probe = await openCaller('wire', endpoint);
      const ok = await probe.call();
      await probe.close();
      if (ok) return { endpoint, stop };
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  await stop();
  const why = child.exitCode !== null ? `exited with ${child.exitCode}` : `not ready in ${readyTimeoutMs} ms`;
  throw new Error(`${spec.name} ${why}: ${(last as Error | undefined)?.message ?? ''} ${stderr.trim().slice(-300)}`);
}

async function binOf(pkg: string): Promise<string> {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(await readFile(manifest, 'utf8')) as { bin: string | Record<string, string> };
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[pkg]!);
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
