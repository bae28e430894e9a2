import { fileURLToPath } from 'node:url';
import { Command, Flags } from '@oclif/core';
import { benchCache, type CacheBenchResult } from '../../../server/bench/cache-bench.js';
import { renderTable } from '../../table.js';

export default class BenchCache extends Command {
  static override summary =
    'Measure a cached tool call (L1, L2, through the gateway) against the direct stdio call and a cache miss.';
  static override description =
    'All targets run in one process, one after another, so their ratios compare. direct-stdio calls the echo server itself; l1-hit and l2-hit are the cache alone (ToolResultCache.call() in this process; l2-hit needs --redis-url, and reads entries another cache wrote); gateway-l1-hit and gateway-miss go through a real `localmcp serve` process over Streamable HTTP, gateway-stdio-l1-hit and gateway-stdio-miss through one over stdio, repeating one call (served from L1) or sending new arguments every call (each one reaches the echo server). A call not answered by the layer measured counts as an error.';
  static override examples = [
    '<%= config.bin %> bench cache',
    '<%= config.bin %> bench cache --calls 5000 --redis-url redis://127.0.0.1:6379 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    calls: Flags.integer({ char: 'n', summary: 'Sequential calls per target.', default: 1000, min: 1 }),
    'redis-url': Flags.string({
      summary: 'A Redis for the l2-hit target (keys under a random prefix, removed afterwards); without it, skipped.',
    }),
  };

  async run(): Promise<CacheBenchResult> {
    const { flags } = await this.parse(BenchCache);
    const cliPath = fileURLToPath(new URL('../../../../cli/bin/run.js', import.meta.url));
    const json = this.jsonEnabled();
    let result: CacheBenchResult;
    try {
      result = await benchCache({
        calls: flags.calls,
        redisUrl: flags['redis-url'],
        cliPath,
        onProgress: json
          ? undefined
          : (target, done, total) => process.stderr.write(`\r${target}: ${done}/${total}   `),
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
