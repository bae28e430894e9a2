import { fileURLToPath } from 'node:url';
import { Flags } from '@oclif/core';
import { benchChaos, type ChaosBenchResult } from '../../../server/bench/chaos-bench.js';
import { renderTable } from '../../table.js';
import { LocalmcpCommand } from '../../command.js';
import { progressBar } from '../../progress.js';

export default class BenchChaos extends LocalmcpCommand {
  static override summary =
    'Call a tool at a fixed rate through localmcp while its upstream is killed every few seconds.';
  static override description =
    'Starts `localmcp serve` (its own process) in front of a trivial read-only upstream, calls it over Streamable HTTP at --rate calls per second for --seconds, and SIGKILLs the upstream every --kill-every ms. Counts what every call got: a real answer, a fallback (stale or degraded), an error, or nothing at all (hung: not settled within the timeout plus 1 s). `served` = real + fallback.';
  static override examples = [
    '<%= config.bin %> bench chaos',
    '<%= config.bin %> bench chaos --seconds 60 --rate 50 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    seconds: Flags.integer({ summary: 'How long to run.', default: 20, min: 1 }),
    rate: Flags.integer({ summary: 'Calls started per second.', default: 50, min: 1, max: 5_000 }),
    'kill-every': Flags.integer({ summary: 'Milliseconds between upstream kills.', default: 3_000, min: 100 }),
    timeout: Flags.integer({ summary: "The upstream's request timeout in ms.", default: 2_000, min: 10 }),
    'hot-share': Flags.string({
      summary: 'Share (0..1) of calls repeating one of 20 hot (cacheable) arguments; the rest are unique.',
      default: '0',
    }),
  };

  async run(): Promise<ChaosBenchResult> {
    const { flags } = await this.parse(BenchChaos);
    const cliPath = fileURLToPath(new URL('../../../../cli/bin/run.js', import.meta.url));
    const json = this.jsonEnabled();
    const progress = progressBar('chaos', { enabled: !json });
    const result = await benchChaos({
      seconds: flags.seconds,
      rate: flags.rate,
      killEveryMs: flags['kill-every'],
      requestTimeoutMs: flags.timeout,
      hotShare: parseShare(flags['hot-share'], (message) => this.error(message, { exit: 2 })),
      cliPath,
      onProgress: (elapsed, total, sofar) =>
        progress(
          Math.floor(elapsed / 1000),
          Math.round(total / 1000),
          `s · ${sofar.calls} calls, ${sofar.served} served, ${sofar.kills} kills`,
        ),
    }).finally(progress.end);
    if (!json) {
      const share = (n: number) => `${((n / Math.max(1, result.calls)) * 100).toFixed(1)}%`;
      const rows: string[][] = [
        ['calls', String(result.calls), ''],
        ['answered (upstream)', String(result.answered), share(result.answered)],
        ['cached', String(result.cached), share(result.cached)],
        ['fallbacks', String(result.fallbacks), `${share(result.fallbacks)} ${JSON.stringify(result.fallbacksByKind)}`],
        ['served', String(result.served), share(result.served)],
        ['hung', String(result.hung), share(result.hung)],
        [
          'errors',
          String(Object.values(result.errorsByClass).reduce((a, b) => a + b, 0)),
          JSON.stringify(result.errorsByClass),
        ],
        ['p50 / p99 ms', `${result.p50Ms} / ${result.p99Ms}`, ''],
        ['kills / restarts', `${result.kills} / ${result.restarts}`, ''],
      ];
      this.log(renderTable(['', 'COUNT', 'SHARE'], rows));
    }
    return result;
  }
}

function parseShare(raw: string, fail: (message: string) => never): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) fail(`--hot-share must be a number from 0 to 1, got "${raw}"`);
  return value;
}
