import { fileURLToPath } from 'node:url';
import { Command, Flags } from '@oclif/core';
import { CALLER_KINDS } from '../../../server/bench/callers.js';
import { benchCache, CACHE_BENCH_UPSTREAMS, type CacheBenchResult } from '../../../server/bench/cache-bench.js';
import { progressBar } from '../../../server/bench/retrieval-progress.js';
import { renderTable } from '../../table.js';

export default class BenchCache extends Command {
  static override summary =
    'Measure a cached tool call (L1, L2, through the gateway) against the direct stdio call and a cache miss.';
  static override description =
    "All targets run in one process and are measured in turns of 100 calls, round after round, so that every target sees the same machine and their ratios compare, with the same client (--client: wire, a lean JSON-RPC client, or sdk, the MCP SDK's). direct-stdio calls the upstream itself (--upstream: echo, a trivial fixture, or filesystem, the reference server-filesystem reading a 4 KB file); l1-hit and l2-hit are the cache alone (ToolResultCache.call() in this process; l2-hit needs --redis-url, and reads entries another cache wrote); gateway-l1-hit and gateway-miss go through a real `localmcp serve` process over Streamable HTTP, gateway-stdio-l1-hit and gateway-stdio-miss through one over stdio, repeating one call (served from L1) or sending new arguments every call (each one reaches the upstream). A call not answered by the layer measured counts as an error.";
  static override examples = [
    '<%= config.bin %> bench cache',
    '<%= config.bin %> bench cache --calls 5000 --redis-url redis://127.0.0.1:6379 --json',
    '<%= config.bin %> bench cache --upstream filesystem',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    calls: Flags.integer({ char: 'n', summary: 'Sequential calls per target.', default: 1000, min: 1 }),
    warmup: Flags.integer({
      summary: 'Calls per target before measuring (V8 optimises the gateway only after a few thousand).',
      default: 2000,
      min: 0,
    }),
    client: Flags.option({ options: CALLER_KINDS, default: 'wire' as const })({
      summary: 'The client every target is called with: wire (lean JSON-RPC) or sdk (the MCP SDK client).',
    }),
    upstream: Flags.option({ options: CACHE_BENCH_UPSTREAMS, default: 'echo' as const })({
      summary: 'The upstream: echo (a trivial fixture) or filesystem (server-filesystem reading a file).',
    }),
    'redis-url': Flags.string({
      summary: 'A Redis for the l2-hit target (keys under a random prefix, removed afterwards); without it, skipped.',
    }),
  };

  async run(): Promise<CacheBenchResult> {
    const { flags } = await this.parse(BenchCache);
    const cliPath = fileURLToPath(new URL('../../../../cli/bin/run.js', import.meta.url));
    const json = this.jsonEnabled();
    const bar = progressBar(process.stderr, 'bench cache');
    let result: CacheBenchResult;
    try {
      result = await benchCache({
        calls: flags.calls,
        warmup: flags.warmup,
        redisUrl: flags['redis-url'],
        client: flags.client,
        upstream: flags.upstream,
        cliPath,
        onProgress: json ? undefined : (_target, done, total) => bar(done, total),
      });
    } catch (error) {
      this.error(error instanceof Error ? error.message : String(error), { exit: 1 });
    }
    if (!json) {
      process.stderr.write('\n');
      const direct = result.targets.find((t) => t.name === 'direct-stdio');
      const rows = result.targets.map((t) => [
        t.name,
        t.via,
        t.p50Ms.toFixed(3),
        t.p99Ms.toFixed(3),
        String(t.throughput),
        String(t.errors),
        direct ? `${(t.p50Ms / direct.p50Ms).toFixed(2)}×` : '',
      ]);
      this.log(renderTable(['TARGET', 'VIA', 'P50 MS', 'P99 MS', 'CALLS/S', 'ERRORS', 'P50 VS DIRECT'], rows));
      for (const { name, reason } of result.skipped) this.log(`${name}: skipped (${reason})`);
    }
    return result;
  }
}
