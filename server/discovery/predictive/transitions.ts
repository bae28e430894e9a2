/** One likely next tool after a given one. */
export interface Successor {
  tool: string;
  /** Times it followed (after decay; may be fractional). */
  count: number;
  /** Smoothed probability that it comes next. */
  probability: number;
}

export interface ToolTransitionsOptions {
  /** Successors kept per tool (top-k by count); a new one evicts the weakest. */
  maxSuccessors: number;
  /** Tools with a successor row; past it the least recently updated row goes. */
  maxTools?: number;
  /** When a row's total passes this, every count in it is halved: old habits fade, new ones can win. */
  decayAt?: number;
}

/** The persisted form (versioned, so a later format can refuse or convert an older file). */
export interface TransitionsSnapshot {
  version: 1;
  rows: Array<{ from: string; total: number; next: Array<[tool: string, count: number]> }>;
}

interface Row {
  /** Every transition out of this tool counted (evicted successors included), after decay. */
  total: number;
  next: Map<string, number>;
}

const DEFAULT_MAX_TOOLS = 5_000;
const DEFAULT_DECAY_AT = 1_000;

/**
 * A first-order model of which tool follows which, learned from the sequence of tool calls of one session or agent
 * run. Memory is bounded: at most `maxSuccessors` successors per tool (the weakest is evicted, its count staying in
 * the row's total so the survivors' probabilities are not inflated) and at most `maxTools` rows (least recently
 * updated evicted). Counts decay by halving once a row's total passes `decayAt`.
 *
 * P(next = b | a) is Laplace-smoothed over the successors seen plus one bucket for every other tool:
 * (count(a→b) + 1) / (total(a) + k + 1), k the number of successors kept. One observation gives 2/3, which is why
 * callers also require a minimum count before acting on a prediction. (Smoothing over the whole catalog was
 * rejected: with hundreds of tools no realistic history would ever move a probability off zero.)
 */
export class ToolTransitions {
  private readonly rows = new Map<string, Row>();
  private readonly maxSuccessors: number;
  private readonly maxTools: number;
  private readonly decayAt: number;

  constructor(options: ToolTransitionsOptions) {
    this.maxSuccessors = Math.max(1, Math.floor(options.maxSuccessors));
    this.maxTools = Math.max(1, Math.floor(options.maxTools ?? DEFAULT_MAX_TOOLS));
    this.decayAt = Math.max(2, options.decayAt ?? DEFAULT_DECAY_AT);
  }

  /** Tools with at least one successor. */
  get size(): number {
    return this.rows.size;
  }

  /** Counts one `from → to` transition. */
  observe(from: string, to: string): void {
    let row = this.rows.get(from);
    if (row) {
      // Re-inserted: the Map's order is the recency order used for eviction.
      this.rows.delete(from);
    } else {
      row = { total: 0, next: new Map() };
      if (this.rows.size >= this.maxTools) this.rows.delete(this.rows.keys().next().value!);
    }
    this.rows.set(from, row);
    row.total += 1;
    const known = row.next.get(to);
    if (known !== undefined) {
      row.next.set(to, known + 1);
    } else {
      if (row.next.size >= this.maxSuccessors) {
        let weakest: string | undefined;
        let least = Infinity;
        for (const [tool, count] of row.next) {
          if (count < least) {
            least = count;
            weakest = tool;
          }
        }
        row.next.delete(weakest!);
      }
      row.next.set(to, 1);
    }
    if (row.total > this.decayAt) {
      row.total /= 2;
      for (const [tool, count] of row.next) row.next.set(tool, count / 2);
    }
  }

  /** The smoothed probability that `to` follows `from` (an unseen pair gets the "any other tool" share). */
  probability(from: string, to: string): number {
    const row = this.rows.get(from);
    if (!row) return 0;
    return ((row.next.get(to) ?? 0) + 1) / (row.total + row.next.size + 1);
  }

  /** The successors of `from`, most likely first, optionally at least `minCount` observations and `minProbability`. */
  successors(from: string, options: { limit?: number; minCount?: number; minProbability?: number } = {}): Successor[] {
    const row = this.rows.get(from);
    if (!row) return [];
    const denominator = row.total + row.next.size + 1;
    const out: Successor[] = [];
    for (const [tool, count] of row.next) {
      const probability = (count + 1) / denominator;
      if (count < (options.minCount ?? 0) || probability < (options.minProbability ?? 0)) continue;
      out.push({ tool, count, probability });
    }
    out.sort((a, b) => b.count - a.count || a.tool.localeCompare(b.tool));
    return options.limit === undefined ? out : out.slice(0, options.limit);
  }

  toJSON(): TransitionsSnapshot {
    return {
      version: 1,
      rows: [...this.rows].map(([from, row]) => ({ from, total: row.total, next: [...row.next] })),
    };
  }

  /** Loads a snapshot (rows beyond the limits are cut as if observed in order); an unknown version is ignored. */
  restore(snapshot: unknown): boolean {
    const value = snapshot as Partial<TransitionsSnapshot> | undefined;
    if (value?.version !== 1 || !Array.isArray(value.rows)) return false;
    this.rows.clear();
    for (const row of value.rows.slice(-this.maxTools)) {
      if (typeof row?.from !== 'string' || !Array.isArray(row.next)) continue;
      const next = row.next
        .filter(([tool, count]) => typeof tool === 'string' && Number.isFinite(count) && count > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, this.maxSuccessors);
      const sum = next.reduce((s, [, count]) => s + count, 0);
      const total = Number.isFinite(row.total) ? Math.max(row.total, sum) : sum;
      this.rows.set(row.from, { total, next: new Map(next) });
    }
    return true;
  }
}
