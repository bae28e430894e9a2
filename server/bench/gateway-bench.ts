import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { summarize, type LatencySummary } from './stats.js';

export interface GatewayBenchOptions {
  calls: number;
  warmup?: number;
  /** The CLI entry (`cli/bin/run.js`) used to start `localmcp serve` as its own process. */
  cliPath: string;
  onProgress?: (target: string, done: number, total: number) => void;
}

export interface BenchTarget extends LatencySummary {
  name: string;
  transport: 'stdio' | 'streamable-http' | 'sse';
  errors: number;
}

/** How to run the trivial echo upstream, compiled or from source. */
function echoServer(): { command: string; args: string[] } {
  const ext = extname(fileURLToPath(import.meta.url));
  const path = fileURLToPath(new URL(`./echo-server${ext}`, import.meta.url));
  return { command: process.execPath, args: ext === '.ts' ? ['--import', 'tsx', path] : [path] };
}

async function measure(
  name: string,
  transport: BenchTarget['transport'],
  connect: () => Transport,
  tool: string,
  options: GatewayBenchOptions,
): Promise<BenchTarget> {
  const client = new Client({ name: 'localmcp-bench', version: '0.1.0' });
  await client.connect(connect());
  try {
    const call = () => client.callTool({ name: tool, arguments: { text: 'ping' } });
    for (let i = 0; i < (options.warmup ?? 100); i++) await call();
    const samples: number[] = [];
    let errors = 0;
    const start = performance.now();
    for (let i = 0; i < options.calls; i++) {
      const t0 = performance.now();
      try {
        const result = await call();
        if (result.isError) errors++;
      } catch {
        errors++;
      }
      samples.push(performance.now() - t0);
      if (i % 100 === 99) options.onProgress?.(name, i + 1, options.calls);
    }
    return { name, transport, errors, ...summarize(samples, performance.now() - start) };
  } finally {
    await client.close();
  }
}

/** Starts `localmcp serve` in front of the echo server as a separate process, as users run it. */
async function startGateway(cliPath: string, extraArgs: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-bench-'));
  const config = join(dir, 'localmcp.json');
  await writeFile(config, JSON.stringify({ mcpServers: { bench: echoServer() } }));
  const child = spawn(
    process.execPath,
    [cliPath, 'serve', '--port', '0', '--config', config, '--log-level', 'warn', ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^localmcp ready: (http:\/\/\S+)\/mcp/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`localmcp serve exited with ${code}`)));
  });
  return {
    url,
    config,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A trivial tool called sequentially: directly over stdio, then through localmcp over Streamable HTTP, SSE and
 * stdio, all in one run so the figures compare.
 */
export async function benchGateway(options: GatewayBenchOptions): Promise<BenchTarget[]> {
  const echo = echoServer();
  const targets: BenchTarget[] = [];
  targets.push(
    await measure('direct', 'stdio', () => new StdioClientTransport({ ...echo, stderr: 'ignore' }), 'echo', options),
  );
  const gateway = await startGateway(options.cliPath);
  try {
    targets.push(
      await measure(
        'localmcp-http',
        'streamable-http',
        () => new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)),
        'bench__echo',
        options,
      ),
    );
    targets.push(
      await measure(
        'localmcp-sse',
        'sse',
        () => new SSEClientTransport(new URL(`${gateway.url}/sse`)),
        'bench__echo',
        options,
      ),
    );
    targets.push(
      await measure(
        'localmcp-stdio',
        'stdio',
        () =>
          new StdioClientTransport({
            command: process.execPath,
            args: [options.cliPath, 'serve', '--stdio', '--config', gateway.config, '--log-level', 'warn'],
            stderr: 'ignore',
          }),
        'bench__echo',
        options,
      ),
    );
  } finally {
    await gateway.stop();
  }
  return targets;
}
