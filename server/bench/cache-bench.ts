import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CACHE_META_KEY, ToolResultCache, type CacheLayer, type FetchToolResult } from '../cache/index.js';
import { CacheSchema } from '../config/cache-schema.js';
import { RedisSchema } from '../config/redis-schema.js';
import { openSession, type CallerKind, type Session } from './callers.js';
import { echoServer, startGateway } from './gateway-bench.js';
import { summarize, type LatencySummary } from './stats.js';

/**
 * The upstream behind every target: `echo`, the trivial fixture (answers in microseconds, the hardest case for a
 * cache to beat), or `filesystem`, the reference `@modelcontextprotocol/server-filesystem` reading a 4 KB file with
 * `read_text_file` (read-only by its annotations), a tool that does real work.
 */
export const CACHE_BENCH_UPSTREAMS = ['echo', 'filesystem'] as const;
export type CacheBenchUpstream = (typeof CACHE_BENCH_UPSTREAMS)[number];

interface UpstreamPlan {
  command: string;
  args: string[];
  tool: string;
  /** The repeated call (hits). */
  hit: Record<string, unknown>;
  /** New arguments for every call (misses), with the same answer. */
  miss: (i: number) => Record<string, unknown>;
  /** The text every answer must carry. */
  expected: (args: Record<string, unknown>) => string;
  cleanup: () => Promise<void>;
}

async function upstreamPlan(kind: CacheBenchUpstream): Promise<UpstreamPlan> {
  if (kind === 'echo') {
    return {
      ...echoServer(),
      tool: 'echo',
      hit: { text: 'ping' },
      miss: (i) => ({ text: `miss ${i}` }),
      expected: (args) => String(args.text),
      cleanup: async () => undefined,
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-cache-bench-'));
  const path = join(dir, 'notes.txt');
  const text = Array.from({ length: 64 }, (_, i) => `line ${i}: ${'lorem ipsum dolor sit amet '.repeat(2)}`).join('\n');
  await writeFile(path, text);
  const entry = join(
    dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/server-filesystem/package.json')),
    'dist/index.js',
  );
  return {
    command: process.execPath,
    args: [entry, dir],
    tool: 'read_text_file',
    hit: { path },
    // `head` beyond the file's 64 lines reads all of it: a new cache key with the same answer.
    miss: (i) => ({ path, head: 1_000_000 + i }),
    expected: () => text,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface CacheBenchOptions {
  /** Measured calls per target. */
  calls: number;
  /** Calls per target before measuring (default 2,000: V8 optimises the gateway's path only after a few thousand). */
  warmup?: number;
  /** A Redis for the L2 figure (`redis://127.0.0.1:6379`); without one the L2 target is skipped. */
  redisUrl?: string;
  /** The CLI entry (`cli/bin/run.js`) to start `localmcp serve` with; without one the gateway targets are skipped. */
  cliPath?: string;
  /** The client every target is called with (default `wire`, the lean client of `bench gateway`). */
  client?: CallerKind;
  /** The upstream behind every target (default `echo`). */
  upstream?: CacheBenchUpstream;
  onProgress?: (target: string, done: number, total: number) => void;
}

export interface CacheBenchTarget extends LatencySummary {
  name: 'direct-stdio' | 'http-floor' | 'l1-hit' | 'l2-hit' | GatewayTargetName;
  /**
   * What a call crosses: `stdio` to the echo server itself, `in-process` a `ToolResultCache.call()` in this
   * process, `gateway-http` / `gateway-stdio` a `localmcp serve` process over Streamable HTTP / stdio (in front of
   * the same echo server), `canned-http` a Node HTTP server that answers every call with the same bytes and does
   * nothing else: the floor of any answer over HTTP on this machine.
   */
  via: 'stdio' | 'canned-http' | 'in-process' | 'gateway-http' | 'gateway-stdio';
  /** Calls that failed or were not answered by the layer measured. */
  errors: number;
}

const GATEWAY_TARGETS = ['gateway-l1-hit', 'gateway-miss', 'gateway-stdio-l1-hit', 'gateway-stdio-miss'] as const;
type GatewayTargetName = (typeof GATEWAY_TARGETS)[number];

/**
 * The headline figures of issue 5, p50 in ms, null when not measured: `directP50Ms` the direct stdio call,
 * `missP50Ms` and `l1HitP50Ms` one call through the gateway over Streamable HTTP (new arguments each time, or
 * repeated), `l2HitP50Ms` an L2 hit of the cache itself (needs --redis-url), `l3HitP50Ms` always null here: L3
 * needs an embedder, and no model can be had on this machine.
 */
export interface CacheBenchHeadline {
  directP50Ms: number | null;
  missP50Ms: number | null;
  l1HitP50Ms: number | null;
  l2HitP50Ms: number | null;
  l3HitP50Ms: number | null;
}

export interface CacheBenchResult extends CacheBenchHeadline {
  calls: number;
  client: CallerKind;
  upstream: CacheBenchUpstream;
  targets: CacheBenchTarget[];
  skipped: Array<{ name: CacheBenchTarget['name']; reason: string }>;
}

const request = (tool: string, args: Record<string, unknown>) => ({
  server: 'bench',
  tool,
  args,
  identity: `bench@${tool}/1.0.0`,
  annotations: { readOnlyHint: true },
});

/** Calls `tool` and checks the answer: not an error, its first text block as expected, from `layer` if given. */
async function callChecked(
  session: Session,
  tool: string,
  args: Record<string, unknown>,
  expected: string,
  layer?: CacheLayer | 'none',
): Promise<boolean> {
  const result = (await session.request('tools/call', { name: tool, arguments: args })) as CallToolResult;
  const [block] = result.content ?? [];
  if (result.isError || block?.type !== 'text' || block.text !== expected) return false;
  if (layer === undefined) return true;
  const cached = result._meta?.[CACHE_META_KEY] as { layer?: CacheLayer } | undefined;
  return layer === 'none' ? cached === undefined : cached?.layer === layer;
}

async function measure(
  name: CacheBenchTarget['name'],
  via: CacheBenchTarget['via'],
  options: CacheBenchOptions,
  call: (i: number) => Promise<boolean>,
): Promise<CacheBenchTarget> {
  const warmup = options.warmup ?? 2_000;
  for (let i = 0; i < warmup; i++) await call(i);
  const samples: number[] = [];
  let errors = 0;
  const start = performance.now();
  for (let i = 0; i < options.calls; i++) {
    const t0 = performance.now();
    try {
      if (!(await call(warmup + i))) errors++;
    } catch {
      errors++;
    }
    samples.push(performance.now() - t0);
    if (i % 100 === 99) options.onProgress?.(name, i + 1, options.calls);
  }
  return { name, via, errors, ...summarize(samples, performance.now() - start) };
}

/**
 * One trivial tool call answered several ways in one run, so the figures compare: directly by the echo server over
 * stdio; from L1 (the same call again) and from L2 (a call another process cached in Redis: an L1 miss, a GET and a
 * parse) as `ToolResultCache.call()` in this process, without the gateway's hop; and through a real `localmcp
 * serve` process over Streamable HTTP and over stdio, as an L1 hit (the same read-only call again) and as a miss
 * (new arguments every call, so each one reaches the echo server).
 */
export async function benchCache(options: CacheBenchOptions): Promise<CacheBenchResult> {
  const kind = options.client ?? 'wire';
  const plan = await upstreamPlan(options.upstream ?? 'echo');
  const targets: CacheBenchTarget[] = [];
  const skipped: CacheBenchResult['skipped'] = [];
  try {
    const session = await openSession(kind, { transport: 'stdio', command: plan.command, args: plan.args });
    try {
      const expected = plan.expected(plan.hit);
      targets.push(
        await measure('direct-stdio', 'stdio', options, () => callChecked(session, plan.tool, plan.hit, expected)),
      );
      const answer = (await session.request('tools/call', { name: plan.tool, arguments: plan.hit })) as CallToolResult;
      const fetch: FetchToolResult = async () => answer;
      targets.push(await measureHttpFloor(options, kind, plan, answer));

      const l1 = new ToolResultCache({ config: CacheSchema.parse({ ttlMs: 3_600_000 }) });
      const hitRequest = request(plan.tool, plan.hit);
      await l1.call(hitRequest, fetch);
      targets.push(
        await measure('l1-hit', 'in-process', options, async () => (await l1.call(hitRequest, fetch)).layer === 'l1'),
      );
      await l1.close();

      if (options.redisUrl === undefined) skipped.push({ name: 'l2-hit', reason: 'no Redis URL given' });
      else targets.push(await measureL2(options, options.redisUrl, plan, answer));
    } finally {
      await session.close();
    }
    if (options.cliPath === undefined) {
      skipped.push(...GATEWAY_TARGETS.map((name) => ({ name, reason: 'no CLI path' })));
    } else targets.push(...(await measureGateway(options, options.cliPath, kind, plan)));
  } finally {
    await plan.cleanup();
  }
  const p50 = (name: CacheBenchTarget['name']) => targets.find((t) => t.name === name)?.p50Ms ?? null;
  return {
    directP50Ms: p50('direct-stdio'),
    missP50Ms: p50('gateway-miss'),
    l1HitP50Ms: p50('gateway-l1-hit'),
    l2HitP50Ms: p50('l2-hit'),
    l3HitP50Ms: null,
    calls: options.calls,
    client: kind,
    upstream: options.upstream ?? 'echo',
    targets,
    skipped,
  };
}

/**
 * `localmcp serve` in front of the same upstream, without Redis, reached over Streamable HTTP (the process the
 * HTTP targets start) and over stdio (a second process, as an MCP host runs it): an L1 hit repeats one call (the
 * tool is read-only, so the gateway caches it), a miss sends new arguments every time. Each answer must say where
 * it came from (`_meta['localmcp/cache']`), or it counts as an error.
 */
async function measureGateway(
  options: CacheBenchOptions,
  cliPath: string,
  kind: CallerKind,
  plan: UpstreamPlan,
): Promise<CacheBenchTarget[]> {
  const gateway = await startGateway(cliPath, [], {
    mcpServers: { bench: { command: plan.command, args: plan.args } },
    cache: { ttlMs: 3_600_000 },
  });
  try {
    const overHttp = await openSession(kind, { transport: 'streamable-http', url: `${gateway.url}/mcp` });
    const http = await measureThrough(options, overHttp, plan, 'gateway-http', ['gateway-l1-hit', 'gateway-miss']);
    const overStdio = await openSession(kind, {
      transport: 'stdio',
      command: process.execPath,
      args: [cliPath, 'serve', '--stdio', '--config', gateway.config, '--log-level', 'warn'],
    });
    const stdio = await measureThrough(options, overStdio, plan, 'gateway-stdio', [
      'gateway-stdio-l1-hit',
      'gateway-stdio-miss',
    ]);
    return [...http, ...stdio];
  } finally {
    await gateway.stop();
  }
}

async function measureThrough(
  options: CacheBenchOptions,
  session: Session,
  plan: UpstreamPlan,
  via: CacheBenchTarget['via'],
  [hit, miss]: [GatewayTargetName, GatewayTargetName],
): Promise<CacheBenchTarget[]> {
  const tool = `bench__${plan.tool}`;
  try {
    const expected = plan.expected(plan.hit);
    await callChecked(session, tool, plan.hit, expected);
    return [
      await measure(hit, via, options, () => callChecked(session, tool, plan.hit, expected, 'l1')),
      await measure(miss, via, options, (i) => {
        const args = plan.miss(i);
        return callChecked(session, tool, args, plan.expected(args), 'none');
      }),
    ];
  } finally {
    await session.close();
  }
}

/**
 * A plain Node HTTP server in its own process that answers `initialize` and every call with fixed bytes (the
 * upstream's answer to the repeated call): what any answer over HTTP costs here, client and server, before a
 * gateway does anything. A cache hit through the gateway cannot be faster than this.
 */
async function measureHttpFloor(
  options: CacheBenchOptions,
  kind: CallerKind,
  plan: UpstreamPlan,
  answer: CallToolResult,
): Promise<CacheBenchTarget> {
  const child = spawn(process.execPath, ['-e', CANNED_HTTP_SERVER], {
    env: { ...process.env, CANNED_RESULT: JSON.stringify(answer) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [port] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const session = await openSession(kind, { transport: 'streamable-http', url: `http://127.0.0.1:${port}/mcp` });
    try {
      const expected = plan.expected(plan.hit);
      return await measure('http-floor', 'canned-http', options, () =>
        callChecked(session, plan.tool, plan.hit, expected),
      );
    } finally {
      await session.close();
    }
  } finally {
    child.kill();
  }
}

/** The canned server of {@link measureHttpFloor} (CommonJS, for `node -e`). */
const CANNED_HTTP_SERVER = `
const http = require('node:http');
const result = process.env.CANNED_RESULT;
const init = '{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"canned","version":"0"}}';
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const message = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    if (message.id === undefined) return void res.writeHead(202).end();
    const body = '{"jsonrpc":"2.0","id":' + JSON.stringify(message.id) + ',"result":' +
      (message.method === 'initialize' ? init : result) + '}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
      'mcp-session-id': 'canned' });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/** A writer cache fills Redis with distinct entries; a second cache (its L1 empty) reads each once. */
async function measureL2(
  options: CacheBenchOptions,
  url: string,
  plan: UpstreamPlan,
  answer: CallToolResult,
): Promise<CacheBenchTarget> {
  const redis = RedisSchema.parse({ url, keyPrefix: `localmcp-bench-${randomUUID()}:` });
  const config = CacheSchema.parse({ ttlMs: 3_600_000, staleIfErrorMs: 0 });
  const [writer, reader] = [new ToolResultCache({ config, redis }), new ToolResultCache({ config, redis })];
  try {
    const deadline = Date.now() + 5_000;
    while (![writer, reader].every((c) => c.stats().l2.enabled && (c.stats().l2 as { ready: boolean }).ready)) {
      if (Date.now() > deadline) throw new Error(`Redis at ${url} is not reachable`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const total = (options.warmup ?? 100) + options.calls;
    for (let i = 0; i < total; i++) await writer.call(request(plan.tool, plan.miss(i)), async () => answer);
    await writer.idle();
    return await measure('l2-hit', 'in-process', options, async (i) => {
      const { layer } = await reader.call(request(plan.tool, plan.miss(i)), async () => answer);
      return layer === 'l2';
    });
  } finally {
    await writer.clear();
    await Promise.all([writer.close(), reader.close()]);
  }
}
