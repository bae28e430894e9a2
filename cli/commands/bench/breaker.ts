import { Flags } from '@oclif/core';
import { runBreakerBench, type BreakerBenchReport } from '../../../server/bench/breaker-bench.js';
import { loadPlugins, silentLogger } from '../../../server/index.js';
import { pluginCandidatesFromOclif } from '../../plugin-candidates.js';
import { renderTable } from '../../table.js';
import { LocalmcpCommand } from '../../command.js';
import { progressBar } from '../../progress.js';

export default class BenchBreaker extends LocalmcpCommand {
  static override summary =
    'Measure what each circuit breaker adds to a call: localmcp policies, breaker plugins, cockatiel and opossum.';
  static override description =
    'Wraps a trivial async function in each breaker and times sequential calls, all in one process, in interleaved rounds; each figure is the median of the rounds. Every installed breaker plugin is measured too (`localmcp-<name>`), with its default options.';
  static override examples = [
    '<%= config.bin %> bench breaker',
    '<%= config.bin %> bench breaker --calls 100000 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    calls: Flags.integer({ char: 'n', summary: 'Sequential calls per target in each round.', default: 20_000, min: 1 }),
    rounds: Flags.integer({ summary: 'Timed rounds; the median is reported.', default: 7, min: 1 }),
  };

  async run(): Promise<BreakerBenchReport> {
    const { flags } = await this.parse(BenchBreaker);
    const json = this.jsonEnabled();
    // The breaker plugins found as `serve` finds them; first-party ones are created only when asked for.
    const registry = await loadPlugins(await pluginCandidatesFromOclif(this.config), {
      used: ['breaker:cockatiel'],
      logger: silentLogger(),
    });
    let report: BreakerBenchReport;
    const progress = progressBar('rounds', { enabled: !json });
    try {
      report = await runBreakerBench({
        calls: flags.calls,
        rounds: flags.rounds,
        plugins: Object.fromEntries(registry.list('breaker').map((p) => [p.name, p.instance])),
        onProgress: (round, rounds) => progress(round, rounds),
      });
    } finally {
      progress.end();
      await registry.close();
    }
    if (!json) {
      const rows = report.targets.map((t) => [
        t.name,
        t.nsPerCall.toFixed(1),
        t.name === 'bare' ? '' : t.overheadNsPerCall.toFixed(1),
        t.opsPerSec.toLocaleString('en-US'),
      ]);
      this.log(renderTable(['TARGET', 'NS/CALL', 'OVERHEAD NS', 'CALLS/S'], rows));
    }
    return report;
  }
}
