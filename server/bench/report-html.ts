// The `bench all --html` report: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
// the machine, a chart and the figures of every suite, and each suite's full JSON report at the end.
import type { AllBenchReport, SuiteResult } from './all-bench.js';

type Json = Record<string, unknown>;

interface Bar {
  label: string;
  value: number;
  /** Shown after the bar instead of the bare value. */
  text?: string;
  /** A bar of ours (localmcp), drawn in the accent colour. */
  ours?: boolean;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/** A horizontal bar chart as an SVG element; `log` draws long tails (p99s, 100k builds) on a log scale. */
export function barChart(title: string, unit: string, bars: Bar[], options: { log?: boolean } = {}): string {
  const shown = bars.filter((b) => b.value > 0);
  if (shown.length === 0) return '';
  const labelWidth = 230;
  const barWidth = 380;
  const rowHeight = 22;
  const height = 30 + shown.length * rowHeight + 10;
  const max = Math.max(...shown.map((b) => b.value));
  const min = Math.min(...shown.map((b) => b.value));
  const scale = (value: number) =>
    options.log
      ? (barWidth * (Math.log10(value) - Math.log10(min) + 0.3)) / (Math.log10(max) - Math.log10(min) + 0.3)
      : (barWidth * value) / max;
  const rows = shown
    .map((bar, i) => {
      const y = 30 + i * rowHeight;
      const width = Math.max(1, scale(bar.value));
      const text = bar.text ?? `${formatNumber(bar.value)} ${unit}`;
      return (
        `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escape(bar.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 3}" width="${width.toFixed(1)}" height="${rowHeight - 7}" class="${bar.ours ? 'ours' : 'other'}"/>` +
        `<text x="${labelWidth + width + 6}" y="${y + 14}">${escape(text)}</text>`
      );
    })
    .join('');
  return (
    `<figure><svg role="img" aria-label="${escape(title)}" viewBox="0 0 ${labelWidth + barWidth + 160} ${height}" ` +
    `width="${labelWidth + barWidth + 160}" height="${height}"><text x="0" y="16" class="title">${escape(title)}` +
    `${options.log ? ' (log scale)' : ''}</text>${rows}</svg></figure>`
  );
}

function formatNumber(value: number): string {
  if (Number.isInteger(value) || value >= 1000) return Math.round(value).toLocaleString('en');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

function table(headers: string[] | undefined, rows: string[][]): string {
  const head = headers ? `<thead><tr>${headers.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead>` : '';
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`).join('');
  return `<table>${head}<tbody>${body}</tbody></table>`;
}

const isOurs = (name: unknown) => String(name).startsWith('localmcp') || String(name).startsWith('gateway');

/** The charts of one suite, from its report. */
const CHARTS: Record<string, (report: Json) => string> = {
  gateway: (report) => {
    const targets = list(report.targets).filter((t) => !t.skipped);
    const clients = num((targets.find((t) => t.concurrent)?.concurrent as Json | undefined)?.clients);
    return (
      barChart(
        'Sequential calls: p50 latency',
        'ms',
        targets.map((t) => ({ label: String(t.name), value: num(t.p50Ms) ?? 0, ours: isOurs(t.name) })),
      ) +
      barChart(
        'Sequential calls: p99 latency',
        'ms',
        targets.map((t) => ({ label: String(t.name), value: num(t.p99Ms) ?? 0, ours: isOurs(t.name) })),
        { log: true },
      ) +
      (clients
        ? barChart(
            `${clients} concurrent clients: throughput`,
            'calls/s',
            targets.map((t) => ({
              label: String(t.name),
              value: num((t.concurrent as Json | undefined)?.throughput) ?? 0,
              ours: isOurs(t.name),
            })),
          )
        : '')
    );
  },
  chaos: (report) =>
    barChart(
      `What ${String(report.calls)} calls got while the upstream was killed ${String(report.kills)} times`,
      'calls',
      [
        { label: 'answered by the upstream', value: num(report.answered) ?? 0, ours: true },
        { label: 'cached', value: num(report.cached) ?? 0, ours: true },
        { label: 'fallback answers', value: num(report.fallbacks) ?? 0, ours: true },
        {
          label: 'errors',
          value: Object.values((report.errorsByClass as Record<string, number> | undefined) ?? {}).reduce(
            (a, b) => a + b,
            0,
          ),
        },
        { label: 'hung', value: num(report.hung) ?? 0 },
      ],
    ),
  breaker: (report) =>
    barChart(
      'Overhead per call of each circuit breaker',
      'ns',
      list(report.targets)
        .filter((t) => t.name !== 'bare')
        .map((t) => ({ label: String(t.name), value: num(t.overheadNsPerCall) ?? 0, ours: isOurs(t.name) })),
    ),
  cache: (report) =>
    barChart(
      'Cached and uncached calls: p50 latency',
      'ms',
      list(report.targets).map((t) => ({
        label: `${String(t.name)} (${String(t.via)})`,
        value: num(t.p50Ms) ?? 0,
        // The upstream itself and the canned HTTP server are the yardsticks, not localmcp.
        ours: String(t.name) !== 'direct-stdio' && String(t.name) !== 'http-floor',
      })),
      { log: true },
    ),
  workers: (report) =>
    barChart(
      'Throughput: one process against workers',
      'calls/s',
      list(report.targets).map((t) => ({
        label: `${String(t.name)} (round ${String(t.round)})`,
        value: num(t.throughput) ?? 0,
        ours: true,
      })),
    ),
  retrieval: (report) =>
    barChart(
      `Ranking quality (${String(report.tools)} tools, ${String(report.queries)} queries)`,
      '',
      [
        { label: 'Hit@1', value: num(report.hit1) ?? 0, ours: true },
        { label: 'Hit@5', value: num(report.hit5) ?? 0, ours: true },
        { label: 'Recall@10', value: num(report.recall10) ?? 0, ours: true },
        { label: 'NDCG@5', value: num(report.ndcg5) ?? 0, ours: true },
      ].map((b) => ({ ...b, text: b.value.toFixed(3) })),
    ) +
    barChart('Search latency', 'ms', [
      { label: 'p50', value: num(report.searchP50Ms) ?? 0, ours: true },
      { label: 'p99', value: num(report.searchP99Ms) ?? 0, ours: true },
    ]),
  'search-scale': (report) => {
    const rows = list(report.rows).filter((r) => !r.error);
    return (
      barChart(
        'Search p99 per backend and catalog size',
        'ms',
        rows.map((r) => ({ label: `${String(r.backend)} × ${String(r.tools)}`, value: num(r.p99Ms) ?? 0, ours: true })),
        { log: true },
      ) +
      barChart(
        'Recall@k against exact search',
        '',
        rows.map((r) => ({
          label: `${String(r.backend)} × ${String(r.tools)}`,
          value: num(r.recallAtK) ?? 0,
          text: (num(r.recallAtK) ?? 0).toFixed(3),
          ours: true,
        })),
      )
    );
  },
};

function suiteSection(suite: SuiteResult): string {
  const heading = `<h2 id="${escape(suite.name)}">${escape(suite.name)} <small>${escape(suite.status)}, ${suite.seconds.toFixed(0)} s</small></h2>`;
  const command = `<p><code>${escape(suite.command)}</code></p>`;
  if (suite.status !== 'ok')
    return `<section>${heading}${command}<p class="note">${escape(suite.note ?? '')}</p></section>`;
  const report = suite.report as Json;
  let charts: string;
  try {
    charts = CHARTS[suite.kind]?.(report) ?? '';
  } catch {
    // A report whose shape changed loses its charts, not the page.
    charts = '';
  }
  const figures = table(
    ['measure', 'value'],
    suite.headlines.map((h) => [h.measure, h.value]),
  );
  return `<section>${heading}${command}${charts}${figures}</section>`;
}

/** The whole report as one HTML document. */
export function renderHtmlReport(report: AllBenchReport): string {
  const m = report.machine;
  const machine = table(undefined, [
    ['CPU', `${m.cpu}, ${m.cores} cores`],
    ['memory', `${m.memoryGb} GB`],
    ['Node.js', m.node],
    ['OS', m.os],
    ['load average (1, 5, 15 min) at start', m.loadBefore.join(', ')],
    ['load average at end', m.loadAfter.join(', ')],
    ['commit', m.commit ?? 'unknown'],
    ['started', report.startedAt],
    ['duration', `${report.seconds.toFixed(0)} s`],
  ]);
  const summary = table(
    ['suite', 'status', 'seconds', 'note'],
    report.suites.map((s) => [s.name, s.status, s.seconds.toFixed(0), s.note ?? '']),
  );
  const json = escape(JSON.stringify(report, null, 2));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>localmcp benchmarks ${escape(report.startedAt)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:900px;padding:0 1rem;color:#1d232a;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2.2rem;border-bottom:1px solid #d6dbe0;padding-bottom:.2rem}
h2 small{font-weight:normal;color:#5b6673;font-size:.8rem}table{border-collapse:collapse;margin:.6rem 0;width:100%}
td,th{border-bottom:1px solid #e5e8eb;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f4f6f8}
code,pre{font:12px ui-monospace,monospace}pre{background:#f4f6f8;padding:.8rem;overflow:auto;max-height:30rem}
figure{margin:.8rem 0;overflow-x:auto}svg text{font:12px system-ui,sans-serif;fill:#1d232a}svg .title{font-weight:600}
svg .ours{fill:#2f6fd1}svg .other{fill:#9aa5b1}.note{color:#9b2c2c}
@media (prefers-color-scheme:dark){body{background:#15191e;color:#e3e7eb}th,pre{background:#1f252c}
td,th{border-color:#2c343d}svg text{fill:#e3e7eb}svg .other{fill:#5b6673}}
</style></head><body>
<h1>localmcp benchmarks</h1>
<p>Every suite ran in this one run, one after another, on this machine; other work may have been running (see the
load averages), so compare figures within a suite rather than across runs. localmcp is drawn in blue.</p>
<h2>Machine</h2>
${machine}
<h2>Suites</h2>
${summary}
${report.suites.map(suiteSection).join('\n')}
<h2>Raw reports</h2>
<details><summary>JSON of the whole run</summary><pre>${json}</pre></details>
</body></html>
`;
}
