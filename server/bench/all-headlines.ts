// The few figures of each suite that `bench all` shows in its table, read from the suite's own --json report.
// Reports are read defensively: a suite that changes its shape loses its headline rows, not the run.

/** One row of the results table: what was measured and the figure. */
export interface Headline {
  measure: string;
  value: string;
}

type Json = Record<string, unknown>;

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const fixed = (value: unknown, digits = 3) => num(value)?.toFixed(digits) ?? '-';
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const pct = (part: unknown, whole: unknown) => {
  const p = num(part);
  const w = num(whole);
  return p === undefined || !w ? '-' : `${((100 * p) / w).toFixed(1)}%`;
};

const EXTRACTORS: Record<string, (report: Json) => Headline[]> = {
  predictive: (report) => [
    ...list(report.ranking).map((r) => {
      const off = (r.without ?? {}) as Json;
      const on = (r.with ?? {}) as Json;
      return {
        measure: `${String(r.workload)}: Hit@1, Hit@5 without → with the boost`,
        value: `${fixed(off.hit1)} → ${fixed(on.hit1)}, ${fixed(off.hit5)} → ${fixed(on.hit5)}`,
      };
    }),
    ...list(report.latency).map((l) => ({
      measure: `next call after warming (${String(l.name)}): p50 ms cold → warm`,
      value: `${fixed((l.cold as Json | undefined)?.p50Ms)} → ${fixed((l.warm as Json | undefined)?.p50Ms)}`,
    })),
  ],
  gateway: (report) => {
    const targets = list(report.targets).filter((t) => !t.skipped);
    const p50 = (name: string) => num(targets.find((t) => t.name === name)?.p50Ms);
    const ours = p50('localmcp-http');
    const rows: Headline[] = targets.map((t) => {
      const concurrent = t.concurrent as Json | undefined;
      const ratio =
        ours !== undefined && num(t.p50Ms) && t.name !== 'localmcp-http'
          ? ` (p50 ${(num(t.p50Ms)! / ours).toFixed(2)}× localmcp-http's)`
          : '';
      return {
        measure: `${String(t.name)} (${String(t.transport)}) p50 / p99 ms, calls/s${concurrent ? `; ×${String(concurrent.clients)} clients calls/s` : ''}`,
        value: `${fixed(t.p50Ms)} / ${fixed(t.p99Ms)}, ${String(t.throughput)}${concurrent ? `; ${String(concurrent.throughput)}` : ''}${ratio}`,
      };
    });
    for (const t of list(report.targets).filter((x) => x.skipped)) {
      rows.push({ measure: `${String(t.name)}`, value: `skipped: ${String(t.skipped)}` });
    }
    return rows;
  },
  chaos: (report) => [
    {
      measure: 'calls served (answered + cached + fallback)',
      value: `${String(report.served)} of ${String(report.calls)} (${pct(report.served, report.calls)})`,
    },
    { measure: 'fallbacks / hung', value: `${String(report.fallbacks)} / ${String(report.hung)}` },
    { measure: 'p50 / p99 ms', value: `${fixed(report.p50Ms)} / ${fixed(report.p99Ms)}` },
    { measure: 'upstream kills / restarts', value: `${String(report.kills)} / ${String(report.restarts)}` },
  ],
  breaker: (report) =>
    list(report.targets).map((t) => ({
      measure: `${String(t.name)} ns per call (overhead)`,
      value: `${fixed(t.nsPerCall, 1)}${t.name === 'bare' ? '' : ` (${fixed(t.overheadNsPerCall, 1)})`}`,
    })),
  cache: (report) =>
    list(report.targets).map((t) => ({
      measure: `${String(t.name)} p50 / p99 ms`,
      value: `${fixed(t.p50Ms)} / ${fixed(t.p99Ms)}${num(t.errors) ? `, ${String(t.errors)} errors` : ''}`,
    })),
  retrieval: (report) => [
    {
      measure: `Hit@1 / Hit@5 / Recall@10 (${String(report.queries)} queries, ${String(report.tools)} tools)`,
      value: `${fixed(report.hit1)} / ${fixed(report.hit5)} / ${fixed(report.recall10)}`,
    },
    { measure: 'search p50 / p99 ms', value: `${fixed(report.searchP50Ms)} / ${fixed(report.searchP99Ms)}` },
    { measure: 'tokens saved', value: `${fixed(report.tokensSavedPct, 2)}%` },
  ],
  workers: (report) =>
    list(report.targets).map((t) => ({
      measure: `${String(t.name)} (round ${String(t.round)}) calls/s, p50 / p99 ms`,
      value: `${String(t.throughput)}, ${fixed(t.p50Ms)} / ${fixed(t.p99Ms)}${num(t.errors) ? `, ${String(t.errors)} errors` : ''}`,
    })),
  'search-scale': (report) =>
    list(report.rows).map((row) => ({
      measure: `${String(row.backend)} × ${num(row.tools)?.toLocaleString('en') ?? '?'}: build ms, p50 / p99 ms, recall`,
      value: row.error
        ? `failed: ${String(row.error).slice(0, 80)}`
        : `${String(row.buildMs)}, ${fixed(row.p50Ms)} / ${fixed(row.p99Ms)}, ${fixed(row.recallAtK)}`,
    })),
};

/** The headline rows of a suite's report (none for a suite this table does not know). */
export function headlines(kind: string, report: unknown): Headline[] {
  const extract = EXTRACTORS[kind];
  if (!extract || typeof report !== 'object' || report === null) return [];
  try {
    return extract(report as Json);
  } catch {
    return [];
  }
}
