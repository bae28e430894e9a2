import { fileURLToPath } from 'node:url';
import { Command, Flags } from '@oclif/core';
import { benchWorkers, type WorkersBenchTarget } from '../../../server/bench/workers-bench.js';
import { renderTable } from '../../table.js';

export default class BenchWorkers extends Command {
  static override summary = 'Measure throughput of one `localmcp serve` process against `serve --workers N`.';
  static override description =
    'Both run in one invocation, one after the other (alternating with --rounds), on the same machine, under the same load: --concurrency clients over Streamable HTTP calling a trivial echo upstream with new arguments every call. Without --redis-url both targets run --stateless; with it, sessions are stateful and shared through that Redis, as deployed. The load generator shares the CPUs with the gateway: on a small machine it caps what the workers can show.';
  static override examples = [
    '<%= config.bin %> bench workers',
    '<%= config.bin %> bench workers --workers 4 --concurrency 32 --duration 10000 --redis-url redis://127.0.0.1:6379',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    workers: Flags.integer({ char: 'w', summary: 'Workers of the multi-process target.', default: 2, min: 2, max: 64 }),
    concurrency: Flags.integer({ char: 'c', summary: 'Clients calling at the same time.', default: 16, min: 1 }),
    duration: Flags.integer({ char: 'd', summary: 'Milliseconds of load per target.', default: 5000, min: 100 }),
    rounds: Flags.integer({ summary: 'Times each target runs, alternating.', default: 1, min: 1, max: 10 }),
    'redis-url': Flags.string({ summary: 'Share stateful sessions through this Redis (keys under a random prefix).' }),
  };

  async run(): Promise<{ targets: WorkersBenchTarget[] }> {
    const { flags } = await this.parse(BenchWorkers);
    const cliPath = fileURLToPath(new URL('../../../../cli/bin/run.js', import.meta.url));
    const json = this.jsonEnabled();
    const targets = await benchWorkers({
      cliPath,
      workers: flags.workers,
      concurrency: flags.concurrency,
      durationMs: flags.duration,
      rounds: flags.rounds,
      redisUrl: flags['redis-url'],
      onProgress: json
        ? undefined
        : (target, done, total) =>
            process.stderr.write(`\r${target}: ${Math.min(100, Math.round((100 * done) / total))}%   `),
    });
    if (!json) {
      process.stderr.write('\n');
      const single = targets.find((t) => t.workers === 1);
      const rows = targets.map((t) => [
        t.name,
        String(t.round),
        String(t.throughput),
        single ? `${(t.throughput / single.throughput).toFixed(2)}×` : '',
        t.p50Ms.toFixed(2),
        t.p99Ms.toFixed(2),
        String(t.calls),
        String(t.errors),
      ]);
      this.log(renderTable(['TARGET', 'ROUND', 'CALLS/S', 'VS ONE', 'P50 MS', 'P99 MS', 'CALLS', 'ERRORS'], rows));
    }
    return { targets };
  }
}
