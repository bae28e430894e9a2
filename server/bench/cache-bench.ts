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

/** One target, ready to be called: its calls are measured together with the others' (see {@link measureAll}). */
interface Runner {
  name: CacheBenchTarget['name'];
  via: CacheBenchTarget['via'];
  /** The i-th call (warm-up included) and whether it was answered as the target expects. */
  call: (i: number) => Promise<boolean>;
}

/** Calls measured per target before the next target's turn. */
const BLOCK = 100;

/**
 * Every target warmed up, then measured in turns of {@link BLOCK} calls each, round after round, so that all see the
 * same machine: on a shared machine the speed drifts over seconds (another process starts, the CPU clocks down),
 * and targets measured one after the other compared their moments as much as themselves.
 */
async function measureAll(runners: readonly Runner[], options: CacheBenchOptions): Promise<CacheBenchTarget[]> {
  // Misses fill the gateway's cache (a new entry per call) and keep its heap growing: measured with the hits, the
  // collections they cause would land in the hits' turns. They get their own rounds, after the others'.
  const misses = runners.filter((r) => r.name.endsWith('-miss'));
  const others = runners.filter((r) => !misses.includes(r));
  const measured = [...(await measureInTurns(others, options)), ...(await measureInTurns(misses, options))];
  return runners.map((runner) => measured.find((t) => t.name === runner.name)!);
}

async function measureInTurns(runners: readonly Runner[], options: CacheBenchOptions): Promise<CacheBenchTarget[]> {
  const warmup = options.warmup ?? 2_000;
  for (const runner of runners) for (let i = 0; i < warmup; i++) await runner.call(i);
  const state = runners.map(() => ({ samples: [] as number[], errors: 0, elapsedMs: 0 }));
  for (let done = 0; done < options.calls; done += BLOCK) {
    const size = Math.min(BLOCK, options.calls - done);
    for (const [r, runner] of runners.entries()) {
      const target = state[r]!;
      const started = performance.now();
      for (let i = done; i < done + size; i++) {
        const t0 = performance.now();
        try {
          if (!(await runner.call(warmup + i))) target.errors++;
        } catch {
          target.errors++;
        }
        target.samples.push(performance.now() - t0);
      }
      target.elapsedMs += performance.now() - started;
    }
    options.onProgress?.('all targets', done + size, options.calls);
    // What a turn left behind (a process's collection, its timers) is not the next target's time.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return runners.map(({ name, via }, r) => {
    const { samples, errors, elapsedMs } = state[r]!;
    return { name, via, errors, ...summarize(samples, elapsedMs) };
  });
}

/** What the targets hold open (sessions, processes, caches), closed in reverse order once all are measured. */
type Cleanups = Array<() => Promise<unknown>>;

async function closeAll(cleanups: Cleanups): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}

/**
 * One trivial tool call answered several ways in one run, so the figures compare: directly by the echo server over
 * stdio; from L1 (the same call again) and from L2 (a call another process cached in Redis: an L1 miss, a GET and a
 * parse) as `ToolResultCache.call()` in this process, without the gateway's hop; and through a real `localmcp
 * serve` process over Streamable HTTP and over stdio, as an L1 hit (the same read-only call again) and as a miss
 * (new arguments every call, so each one reaches the echo server). All targets are set up first and measured in
 * turns (see {@link measureAll}).
 */
export async function benchCache(options: CacheBenchOptions): Promise<CacheBenchResult> {
  const kind = options.client ?? 'wire';
  const plan = await upstreamPlan(options.upstream ?? 'echo');
  const skipped: CacheBenchResult['skipped'] = [];
  const cleanups: Cleanups = [() => plan.cleanup()];
  let targets: CacheBenchTarget[];
  try {
    const runners: Runner[] = [];
    const session = await openSession(kind, { transport: 'stdio', command: plan.command, args: plan.args });
    cleanups.push(() => session.close());
    const expected = plan.expected(plan.hit);
    runners.push({
      name: 'direct-stdio',
      via: 'stdio',
      call: () => callChecked(session, plan.tool, plan.hit, expected),
    });
    const answer = (await session.request('tools/call', { name: plan.tool, arguments: plan.hit })) as CallToolResult;
    const fetch: FetchToolResult = async () => answer;
    runners.push(await httpFloor(kind, plan, answer, cleanups));

    const l1 = new ToolResultCache({ config: CacheSchema.parse({ ttlMs: 3_600_000 }) });
    cleanups.push(() => l1.close());
    const hitRequest = request(plan.tool, plan.hit);
    await l1.call(hitRequest, fetch);
    runners.push({
      name: 'l1-hit',
      via: 'in-process',
      call: async () => (await l1.call(hitRequest, fetch)).layer === 'l1',
    });

    if (options.redisUrl === undefined) skipped.push({ name: 'l2-hit', reason: 'no Redis URL given' });
    else runners.push(await l2Reader(options, options.redisUrl, plan, answer, cleanups));

    if (options.cliPath === undefined) {
      skipped.push(...GATEWAY_TARGETS.map((name) => ({ name, reason: 'no CLI path' })));
    } else runners.push(...(await throughGateway(options.cliPath, kind, plan, cleanups)));
    targets = await measureAll(runners, options);
  } finally {
    await closeAll(cleanups);
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
async function throughGateway(
  cliPath: string,
  kind: CallerKind,
  plan: UpstreamPlan,
  cleanups: Cleanups,
): Promise<Runner[]> {
  const gateway = await startGateway(cliPath, [], {
    mcpServers: { bench: { command: plan.command, args: plan.args } },
    cache: { ttlMs: 3_600_000 },
  });
  cleanups.push(() => gateway.stop());
  const overHttp = await openSession(kind, { transport: 'streamable-http', url: `${gateway.url}/mcp` });
  cleanups.push(() => overHttp.close());
  const overStdio = await openSession(kind, {
    transport: 'stdio',
    command: process.execPath,
    args: [cliPath, 'serve', '--stdio', '--config', gateway.config, '--log-level', 'warn'],
  });
  cleanups.push(() => overStdio.close());
  return [
    ...(await hitAndMiss(overHttp, plan, 'gateway-http', ['gateway-l1-hit', 'gateway-miss'])),
    ...(await hitAndMiss(overStdio, plan, 'gateway-stdio', ['gateway-stdio-l1-hit', 'gateway-stdio-miss'])),
  ];
}

async function hitAndMiss(
  session: Session,
  plan: UpstreamPlan,
  via: CacheBenchTarget['via'],
  [hit, miss]: [GatewayTargetName, GatewayTargetName],
): Promise<Runner[]> {
  const tool = `bench__${plan.tool}`;
  const expected = plan.expected(plan.hit);
  await callChecked(session, tool, plan.hit, expected);
  return [
    { name: hit, via, call: () => callChecked(session, tool, plan.hit, expected, 'l1') },
    {
      name: miss,
      via,
      call: (i) => {
        const args = plan.miss(i);
        return callChecked(session, tool, args, plan.expected(args), 'none');
      },
    },
  ];
}

/**
 * A plain Node HTTP server in its own process that answers `initialize` and every call with fixed bytes (the
 * upstream's answer to the repeated call): what any answer over HTTP costs here, client and server, before a
 * gateway does anything. A cache hit through the gateway cannot be faster than this.
 */
async function httpFloor(kind: CallerKind, plan: UpstreamPlan, answer: CallToolResult, cleanups: Cleanups) {
  const child = spawn(process.execPath, ['-e', CANNED_HTTP_SERVER], {
    env: { ...process.env, CANNED_RESULT: JSON.stringify(answer) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(async () => child.kill());
  const [port] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const session = await openSession(kind, { transport: 'streamable-http', url: `http://127.0.0.1:${port}/mcp` });
  cleanups.push(() => session.close());
  const expected = plan.expected(plan.hit);
  return {
    name: 'http-floor',
    via: 'canned-http',
    call: () => callChecked(session, plan.tool, plan.hit, expected),
  } satisfies Runner;
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
async function l2Reader(
  options: CacheBenchOptions,
  url: string,
  plan: UpstreamPlan,
  answer: CallToolResult,
  cleanups: Cleanups,
): Promise<Runner> {
  const redis = RedisSchema.parse({ url, keyPrefix: `localmcp-bench-${randomUUID()}:` });
  const config = CacheSchema.parse({ ttlMs: 3_600_000, staleIfErrorMs: 0 });
  const [writer, reader] = [new ToolResultCache({ config, redis }), new ToolResultCache({ config, redis })];
  cleanups.push(async () => {
    await writer.clear();
    await Promise.all([writer.close(), reader.close()]);
  });
  const deadline = Date.now() + 5_000;
  while (![writer, reader].every((c) => c.stats().l2.enabled && (c.stats().l2 as { ready: boolean }).ready)) {
    if (Date.now() > deadline) throw new Error(`Redis at ${url} is not reachable`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const total = (options.warmup ?? 2_000) + options.calls;
  for (let i = 0; i < total; i++) await writer.call(request(plan.tool, plan.miss(i)), async () => answer);
  await writer.idle();
  return {
    name: 'l2-hit',
    via: 'in-process',
    call: async (i) => (await reader.call(request(plan.tool, plan.miss(i)), async () => answer)).layer === 'l2',
  };
}
