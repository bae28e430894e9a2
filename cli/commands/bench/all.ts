import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Flags } from '@oclif/core';
import { benchAll, type AllBenchReport, type SuitePlan } from '../../../server/bench/all-bench.js';
import { renderHtmlReport } from '../../../server/bench/report-html.js';
import { renderTable } from '../../table.js';

const SUITES = [
  'gateway',
  'cache',
  'cache-fs',
  'chaos',
  'breaker',
  'workers',
  'retrieval',
  'retrieval-8k',
  'predictive',
  'search-scale',
];

export default class BenchAll extends Command {
  static override summary = 'Run every benchmark suite in one go: a results table, --json, and an HTML report.';
  static override description = `Runs, one after another and each in its own process: gateway (with mcp-proxy and mcp-hub), cache (with the echo fixture, and with server-filesystem as cache-fs), chaos (short), breaker, workers, retrieval on the LiveMCPBench step queries (527 tools, and with the 8,010 toolsdk distractors, ~8.5k tools) when the data set is there, predictive (the boost on the same step queries, and warming) when the data set is there, and search-scale (1k and 10k tools; --full adds 100k). A suite whose command is not in this build, or whose data is missing, is skipped with a note. Figures from one run compare; the load averages at start and end say how busy the machine was.`;
  static override examples = [
    '<%= config.bin %> bench all',
    '<%= config.bin %> bench all --html bench.html --json > bench.json',
    '<%= config.bin %> bench all --quick --only gateway,breaker',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    html: Flags.string({ summary: 'Also write a self-contained HTML report (charts, figures, raw JSON) here.' }),
    quick: Flags.boolean({ summary: 'Fewer calls and shorter runs (a smoke run, noisier figures).', default: false }),
    full: Flags.boolean({ summary: 'search-scale at 100k tools too (minutes, and GBs of memory).', default: false }),
    only: Flags.string({ summary: `Comma-separated suites to run (${SUITES.join(', ')}).` }),
    skip: Flags.string({ summary: 'Comma-separated suites to leave out.' }),
    workers: Flags.integer({ summary: 'Run the gateway suite against `serve --workers N`.', min: 2 }),
    'retrieval-data': Flags.string({
      summary: 'The toolret data directory (LiveMCPBench catalog and queries, toolsdk registry).',
      default: '../shared/data/toolret',
    }),
  };

  async run(): Promise<AllBenchReport> {
    const { flags } = await this.parse(BenchAll);
    const repo = fileURLToPath(new URL('../../../../', import.meta.url));
    const cliPath = join(repo, 'cli/bin/run.js');
    const pick = (value: string | undefined) => value?.split(',').map((s) => s.trim());
    const only = pick(flags.only);
    const skip = pick(flags.skip) ?? [];
    for (const name of [...(only ?? []), ...skip]) {
      if (!SUITES.includes(name)) this.error(`unknown suite "${name}" (${SUITES.join(', ')})`, { exit: 2 });
    }
    const plans = this.plans(flags, resolve(repo, flags['retrieval-data'])).filter(
      (p) => (!only || only.includes(p.name)) && !skip.includes(p.name),
    );
    const json = this.jsonEnabled();
    const report = await benchAll({ cliPath, suites: plans, onProgress: progress(process.stderr) });
    process.stderr.write(process.stderr.isTTY ? `\r${' '.repeat(70)}\r` : '');
    if (flags.html) {
      await writeFile(flags.html, renderHtmlReport(report));
      if (!json) this.log(`HTML report: ${flags.html}`);
    }
    if (!json) this.log(renderResults(report));
    return report;
  }

  private plans(flags: { quick: boolean; full: boolean; workers?: number }, data: string): SuitePlan[] {
    const quick = flags.quick;
    const missing = (id: string) =>
      this.config.findCommand(id) ? undefined : `no \`${id.replace(':', ' ')}\` in this build`;
    const file = (name: string) => join(data, name);
    const needs = (...files: string[]) => {
      const absent = files.find((f) => !existsSync(f));
      return absent ? `data not found: ${absent} (--retrieval-data)` : undefined;
    };
    const catalog = file('livemcp_catalog.jsonl');
    const steps = file('livemcp_step_queries.jsonl');
    const distractors = file('toolsdk-registry/packages-list.json');
    const retrieval = ['retrieval', '--catalog', catalog, '--queries', steps, ...(quick ? ['--rounds', '1'] : [])];
    return [
      {
        name: 'gateway',
        kind: 'gateway',
        argv: [
          'gateway',
          ...(quick ? ['--calls', '300', '--concurrency', '16'] : ['--calls', '2000', '--concurrency', '32']),
          '--against',
          'mcp-proxy',
          '--against',
          'mcp-hub',
          ...(flags.workers ? ['--workers', String(flags.workers)] : []),
        ],
        expectSeconds: quick ? 45 : 150,
        skip: missing('bench:gateway'),
      },
      {
        name: 'cache',
        kind: 'cache',
        argv: ['cache', '--calls', quick ? '300' : '1000'],
        expectSeconds: quick ? 30 : 60,
        skip: missing('bench:cache'),
      },
      {
        // The same with an upstream that does real work (server-filesystem reading a file).
        name: 'cache-fs',
        kind: 'cache',
        argv: ['cache', '--calls', quick ? '300' : '1000', '--upstream', 'filesystem'],
        expectSeconds: quick ? 30 : 60,
        skip: missing('bench:cache'),
      },
      {
        name: 'chaos',
        kind: 'chaos',
        argv: ['chaos', '--seconds', quick ? '6' : '15', '--rate', '50'],
        expectSeconds: quick ? 12 : 25,
        skip: missing('bench:chaos'),
      },
      {
        name: 'breaker',
        kind: 'breaker',
        argv: ['breaker', ...(quick ? ['--calls', '5000', '--rounds', '3'] : [])],
        expectSeconds: quick ? 8 : 30,
        skip: missing('bench:breaker'),
      },
      {
        name: 'workers',
        kind: 'workers',
        argv: ['workers', '--duration', quick ? '2000' : '5000'],
        expectSeconds: quick ? 15 : 30,
        skip: missing('bench:workers'),
      },
      {
        name: 'retrieval',
        kind: 'retrieval',
        argv: retrieval,
        expectSeconds: 15,
        skip: missing('bench:retrieval') ?? needs(catalog, steps),
      },
      {
        name: 'retrieval-8k',
        kind: 'retrieval',
        argv: [...retrieval, '--distractors', distractors],
        expectSeconds: 40,
        skip: missing('bench:retrieval') ?? needs(catalog, steps, distractors),
      },
      {
        name: 'predictive',
        kind: 'predictive',
        argv: [
          'predictive',
          '--steps',
          steps,
          '--catalog',
          catalog,
          ...(quick ? ['--calls', '20', '--prefetch-calls', '5'] : []),
        ],
        expectSeconds: quick ? 5 : 10,
        skip: missing('bench:predictive') ?? needs(catalog, steps),
      },
      {
        name: 'search-scale',
        kind: 'search-scale',
        argv: [
          'search-scale',
          '--sizes',
          flags.full ? '1000,10000,100000' : quick ? '1000' : '1000,10000',
          ...(quick ? ['--queries', '50'] : []),
        ],
        expectSeconds: flags.full ? 600 : quick ? 15 : 60,
        skip: missing('bench:search-scale'),
      },
    ];
  }
}

/** A bar redrawn in place on a terminal; elsewhere, one line per suite (logs get no carriage returns). */
function progress(stream: NodeJS.WriteStream) {
  let current = '';
  return (suite: string, elapsed: number, fraction: number) => {
    if (!stream.isTTY) {
      if (suite !== current) stream.write(`bench all: ${suite}\n`);
      current = suite;
      return;
    }
    const width = 30;
    const filled = Math.round(width * Math.min(1, fraction));
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(100 * fraction)).padStart(3)}%  ${suite} ${Math.round(elapsed)} s`;
    stream.write(`\r${line.padEnd(70)}`);
  };
}

/** One table for the whole run: each suite's headline figures, then what did not run. */
export function renderResults(report: AllBenchReport): string {
  const rows: string[][] = [];
  for (const suite of report.suites) {
    if (suite.status !== 'ok') {
      rows.push([suite.name, suite.status, suite.note ?? '']);
      continue;
    }
    suite.headlines.forEach((h, i) => rows.push([i === 0 ? suite.name : '', h.measure, h.value]));
  }
  const m = report.machine;
  return [
    renderTable(['SUITE', 'MEASURE', 'VALUE'], rows, 100),
    '',
    `${m.cpu} (${m.cores} cores), Node ${m.node}; load ${m.loadBefore.join(' ')} at start, ${m.loadAfter.join(' ')} at end; ${report.seconds.toFixed(0)} s`,
  ].join('\n');
}
