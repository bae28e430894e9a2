import { fileURLToPath } from 'node:url';
import { Command, Flags } from '@oclif/core';
import { parseAgainst, PRESETS } from '../../../server/bench/against.js';
import { CALLER_KINDS, type CallerKind } from '../../../server/bench/callers.js';
import { benchGateway, type GatewayBenchReport } from '../../../server/bench/gateway-bench.js';
import { renderTable } from '../../table.js';

export default class BenchGateway extends Command {
  static override summary =
    'Measure a trivial tool call directly over stdio, through localmcp (HTTP, SSE, stdio) and through other gateways.';
  static override description = `All targets run in one run, one after another, on the same machine, so their ratios compare: first --calls sequential calls per target, then --calls more from --concurrency clients at once (HTTP and SSE: a session each; stdio: one pipe with that many calls in flight). localmcp runs as its own \`localmcp serve\` process, as in production; the echo tool is read-only, so localmcp answers repeated calls from its L1 cache, while gateways without a cache forward each one.
--against adds another gateway: a known name (${Object.keys(PRESETS).join(', ')}: dev dependencies of localmcp), <name>=<url> (ending in /sse or prefixed sse+ for the SSE transport) or <name>=<command>[ @ <url>], where the command may use {port}, {upstream} and {config} and the url defaults to http://127.0.0.1:{port}/mcp.
Every target is called with the same client: the lean wire client by default (the SDK client's own cost, about 0.5-1 ms per call on a loaded 2-core machine, would hide the gateways' differences), or --client sdk.`;
  static override examples = [
    '<%= config.bin %> bench gateway',
    '<%= config.bin %> bench gateway --calls 5000 --concurrency 32 --against mcp-proxy --against mcp-hub --json',
    "<%= config.bin %> bench gateway --against 'other=http://127.0.0.1:9000/mcp' --client sdk",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    calls: Flags.integer({
      char: 'n',
      summary: 'Calls per target, sequentially and again concurrently.',
      default: 1000,
      min: 1,
    }),
    concurrency: Flags.integer({
      char: 'c',
      summary: 'Clients calling at once in the concurrent phase (1 skips it).',
      default: 32,
      min: 1,
      max: 1024,
    }),
    against: Flags.string({ summary: 'Another gateway: <name>, <name>=<url> or <name>=<command>.', multiple: true }),
    client: Flags.option({
      options: CALLER_KINDS,
      summary: 'The client every target is called with.',
      default: 'wire',
    })(),
    workers: Flags.integer({ summary: 'Run the localmcp gateway with `serve --workers N`.', min: 1 }),
    uncached: Flags.boolean({
      summary: 'Also measure localmcp over Streamable HTTP with its cache off.',
      default: false,
    }),
    warmup: Flags.integer({
      summary: 'Calls per target before measuring (V8 optimises a hot path only after thousands of calls).',
      default: 3000,
      min: 0,
    }),
  };

  async run(): Promise<GatewayBenchReport> {
    const { flags } = await this.parse(BenchGateway);
    const cliPath = fileURLToPath(new URL('../../../../cli/bin/run.js', import.meta.url));
    const json = this.jsonEnabled();
    const against = await Promise.all((flags.against ?? []).map(parseAgainst)).catch((error: Error) =>
      this.error(error.message, { exit: 2 }),
    );
    const report = await benchGateway({
      calls: flags.calls,
      concurrency: flags.concurrency,
      warmup: flags.warmup,
      cliPath,
      against,
      client: flags.client as CallerKind,
      workers: flags.workers,
      uncached: flags.uncached,
      onProgress: json ? undefined : (target, done, total) => process.stderr.write(`\r${target}: ${done}/${total}   `),
    });
    if (!json) {
      process.stderr.write('\n');
      this.log(renderGatewayTable(report));
      for (const t of report.targets) if (t.skipped) this.log(`${t.name}: skipped (${t.skipped})`);
    }
    return report;
  }
}

/** The report as a table: sequential figures, the ratio to the direct call, and the concurrent phase. */
export function renderGatewayTable(report: GatewayBenchReport): string {
  const direct = report.targets.find((t) => t.name === 'direct');
  const c = report.concurrency;
  const rows = report.targets.map((t) =>
    t.skipped
      ? [t.name, t.transport, 'skipped']
      : [
          t.name,
          t.transport,
          t.p50Ms.toFixed(3),
          t.p99Ms.toFixed(3),
          String(t.throughput),
          String(t.errors),
          direct ? `${(t.p50Ms / direct.p50Ms).toFixed(2)}×` : '',
          ...(t.concurrent
            ? [t.concurrent.p50Ms.toFixed(3), String(t.concurrent.throughput), String(t.concurrent.errors)]
            : []),
        ],
  );
  const headers = ['TARGET', 'TRANSPORT', 'P50 MS', 'P99 MS', 'CALLS/S', 'ERRORS', 'P50 VS DIRECT'];
  if (c > 1) headers.push(`P50 MS ×${c}`, `CALLS/S ×${c}`, `ERRORS ×${c}`);
  return renderTable(headers, rows);
}
