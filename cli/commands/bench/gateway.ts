import { fileURLToPath } from 'node:url';
import { Command, Flags } from '@oclif/core';
import { benchGateway, type BenchTarget } from '../../../server/bench/gateway-bench.js';
import { renderTable } from '../../table.js';

export default class BenchGateway extends Command {
  static override summary = 'Measure a trivial tool call directly over stdio and through localmcp (HTTP, SSE, stdio).';
  static override description =
    'All targets run in one process, one after another, on the same machine, so their ratios compare. The gateway runs as its own `localmcp serve` process, as in production.';
  static override examples = ['<%= config.bin %> bench gateway', '<%= config.bin %> bench gateway --calls 5000 --json'];
  static override enableJsonFlag = true;
  static override flags = {
    calls: Flags.integer({ char: 'n', summary: 'Sequential calls per target.', default: 1000, min: 1 }),
  };

  async run(): Promise<{ targets: BenchTarget[] }> {
    const { flags } = await this.parse(BenchGateway);
    const cliPath = fileURLToPath(new URL('../../../../cli/bin/run.js', import.meta.url));
    const json = this.jsonEnabled();
    const targets = await benchGateway({
      calls: flags.calls,
      cliPath,
      onProgress: json ? undefined : (target, done, total) => process.stderr.write(`\r${target}: ${done}/${total}   `),
    });
    if (!json) {
      process.stderr.write('\n');
      const direct = targets.find((t) => t.name === 'direct');
      const rows = targets.map((t) => [
        t.name,
        t.transport,
        t.p50Ms.toFixed(3),
        t.p99Ms.toFixed(3),
        String(t.throughput),
        String(t.errors),
        direct ? `${(t.p50Ms / direct.p50Ms).toFixed(2)}×` : '',
      ]);
      this.log(renderTable(['TARGET', 'TRANSPORT', 'P50 MS', 'P99 MS', 'CALLS/S', 'ERRORS', 'P50 VS DIRECT'], rows));
    }
    return { targets };
  }
}
