import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { benchTargetProcess, type AgainstSpec } from './against.js';
import { openCaller, type CallerKind, type Caller } from './callers.js';
import { startPrivateRedis } from './private-redis.js';
import { summarize, type LatencySummary } from './stats.js';
import type { Endpoint } from './wire-client.js';

export interface GatewayBenchOptions {
  /** Calls per target, sequentially, and again in total across the concurrent clients. */
  calls: number;
  /** Concurrent clients in the second phase; 1 or less skips it. */
  concurrency?: number;
  /**
   * Calls per target before measuring (default 3000). A gateway's hot path is optimised by V8 only after thousands
   * of calls on a busy 2-core machine (p50 fell from 0.85 to 0.3 ms over the first 10k calls), and every target
   * gets the same warm-up.
   */
  warmup?: number;
  /** The CLI entry (`cli/bin/run.js`) used to start `localmcp serve` as its own process. */
  cliPath: string;
  /** Other gateways in the same run (`--against`). */
  against?: AgainstSpec[];
  /** The client every target is measured with: the lean wire client (default) or the MCP SDK's. */
  client?: CallerKind;
  /**
   * `localmcp serve --workers N` for the localmcp HTTP targets, sharing sessions through a private redis-server
   * (`--stateless` when there is none); legacy SSE is then skipped (its sessions are not shared between workers).
   */
  workers?: number;
  /** Also measure localmcp over Streamable HTTP with the tool result cache off (every call reaches upstream). */
  uncached?: boolean;
  onProgress?: (target: string, done: number, total: number) => void;
}

export type Transport = 'stdio' | 'streamable-http' | 'sse';

export interface ConcurrentSummary extends LatencySummary {
  clients: number;
  calls: number;
  errors: number;
}

export interface BenchTarget extends LatencySummary {
  name: string;
  transport: Transport;
  errors: number;
  /** The same call from `concurrency` clients at once (HTTP and SSE: a session each; stdio: one pipe). */
  concurrent?: ConcurrentSummary;
  /** Why the target could not run (it is reported with no figures). */
  skipped?: string;
}

export interface GatewayBenchReport {
  client: CallerKind;
  calls: number;
  concurrency: number;
  targets: BenchTarget[];
}

/** How to run the trivial echo upstream, compiled or from source. */
export function echoServer(): { command: string; args: string[] } {
  const ext = extname(fileURLToPath(import.meta.url));
  const path = fileURLToPath(new URL(`./echo-server${ext}`, import.meta.url));
  return { command: process.execPath, args: ext === '.ts' ? ['--import', 'tsx', path] : [path] };
}

/** Starts `localmcp serve` in front of the echo server as a separate process, as users run it. */
export async function startGateway(
  cliPath: string,
  extraArgs: string[] = [],
  configFile: Record<string, unknown> = { mcpServers: { bench: echoServer() } },
) {
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-bench-'));
  const config = join(dir, 'localmcp.json');
  await writeFile(config, JSON.stringify(configFile));
  const child = spawn(
    process.execPath,
    [
      cliPath,
      'serve',
      '--port',
      '0',
      '--config',
      config,
      ...(extraArgs.includes('--log-level') ? [] : ['--log-level', 'warn']),
      ...extraArgs,
    ],
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

interface Plan {
  name: string;
  transport: Transport;
  endpoint: Endpoint;
}

/**
 * A trivial read-only tool called directly over stdio, through localmcp over Streamable HTTP, SSE and stdio, and
 * through every `--against` gateway, all in one run so the figures compare: first `calls` sequential calls per
 * target, then `calls` more spread over `concurrency` clients. localmcp answers repeated calls from its L1 cache
 * (the tool is read-only); the other gateways have no cache and forward every call.
 */
export async function benchGateway(options: GatewayBenchOptions): Promise<GatewayBenchReport> {
  const client = options.client ?? 'wire';
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const targets: BenchTarget[] = [];
  const echo = echoServer();
  const run = async (plan: Plan) => targets.push(await measure(plan, client, concurrency, options));

  await run({ name: 'direct', transport: 'stdio', endpoint: { transport: 'stdio', ...echo } });
  // Workers share stateful sessions through Redis (a private one here), or serve --stateless without one.
  const workers = options.workers && options.workers > 1 ? options.workers : undefined;
  const redis = workers ? await startPrivateRedis() : undefined;
  const workerArgs = workers ? ['--workers', String(workers), ...(redis ? [] : ['--stateless'])] : [];
  const shared = redis ? { redis: { url: redis.url, keyPrefix: `localmcp-bench-${randomUUID()}:` } } : {};
  try {
    const gateway = await startGateway(options.cliPath, workerArgs, { mcpServers: { bench: echo }, ...shared });
    try {
      await run({ name: 'localmcp-http', transport: 'streamable-http', endpoint: http(`${gateway.url}/mcp`) });
      if (workers) {
        // Its GET stream and its POSTs come on different connections, which may reach different workers.
        targets.push(skipped('localmcp-sse', 'sse', 'legacy SSE sessions are not shared between workers'));
      } else {
        await run({
          name: 'localmcp-sse',
          transport: 'sse',
          endpoint: { transport: 'sse', url: `${gateway.url}/sse` },
        });
      }
      await run({
        name: 'localmcp-stdio',
        transport: 'stdio',
        endpoint: {
          transport: 'stdio',
          command: process.execPath,
          args: [options.cliPath, 'serve', '--stdio', '--config', gateway.config, '--log-level', 'warn'],
        },
      });
    } finally {
      await gateway.stop();
    }
    if (options.uncached) {
      const uncached = await startGateway(options.cliPath, workerArgs, {
        mcpServers: { bench: echo },
        cache: { enabled: false },
        ...shared,
      });
      try {
        await run({
          name: 'localmcp-http-uncached',
          transport: 'streamable-http',
          endpoint: http(`${uncached.url}/mcp`),
        });
      } finally {
        await uncached.stop();
      }
    }
  } finally {
    await redis?.stop();
  }
  for (const spec of options.against ?? []) {
    let started;
    try {
      started = await benchTargetProcess(spec, echo);
    } catch (error) {
      targets.push(skipped(spec.name, spec.transport, error));
      continue;
    }
    try {
      await run({ name: spec.name, transport: started.endpoint.transport as Transport, endpoint: started.endpoint });
    } finally {
      await started.stop();
    }
  }
  return { client, calls: options.calls, concurrency, targets };
}

const http = (url: string): Endpoint => ({ transport: 'streamable-http', url });

function skipped(name: string, transport: Transport, error: unknown): BenchTarget {
  const reason = error instanceof Error ? error.message : String(error);
  return { name, transport, errors: 0, p50Ms: NaN, p99Ms: NaN, meanMs: NaN, throughput: 0, skipped: reason };
}

async function measure(
  plan: Plan,
  client: CallerKind,
  concurrency: number,
  options: GatewayBenchOptions,
): Promise<BenchTarget> {
  let first: Caller;
  try {
    first = await openCaller(client, plan.endpoint);
  } catch (error) {
    return skipped(plan.name, plan.transport, error);
  }
  const callers = [first];
  try {
    for (let i = 0; i < (options.warmup ?? 3000); i++) await first.call();
    const sequential = await drive([first], 1, options.calls, (done) =>
      options.onProgress?.(plan.name, done, options.calls),
    );
    const target: BenchTarget = { name: plan.name, transport: plan.transport, ...sequential };
    if (concurrency > 1) {
      // stdio has one session per process: its clients share the pipe, with `concurrency` calls in flight.
      if (plan.transport !== 'stdio') {
        const more = await Promise.all(
          Array.from({ length: concurrency - 1 }, () => openCaller(client, plan.endpoint)),
        );
        callers.push(...more);
      }
      // Every client warms up too: with --workers, the sessions of a worker the sequential phase never reached.
      await drive(callers, concurrency, Math.max(concurrency * 2, options.warmup ?? 3000), () => undefined);
      const label = `${plan.name} ×${concurrency}`;
      const concurrent = await drive(callers, concurrency, options.calls, (done) =>
        options.onProgress?.(label, done, options.calls),
      );
      target.concurrent = { clients: concurrency, calls: options.calls, ...concurrent };
    }
    return target;
  } finally {
    await Promise.all(callers.map((caller) => caller.close().catch(() => undefined)));
  }
}

/** `total` calls from `lanes` loops over `callers` (round robin), each loop one call at a time. */
async function drive(
  callers: Caller[],
  lanes: number,
  total: number,
  progress: (done: number) => void,
): Promise<LatencySummary & { errors: number }> {
  const samples: number[] = [];
  let errors = 0;
  let started = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const caller = callers[lane % callers.length]!;
      while (started < total) {
        started++;
        const t0 = performance.now();
        try {
          if (!(await caller.call())) errors++;
        } catch {
          errors++;
        }
        samples.push(performance.now() - t0);
        if (samples.length % 100 === 0) progress(samples.length);
      }
    }),
  );
  return { errors, ...summarize(samples, performance.now() - start) };
}
