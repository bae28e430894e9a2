// Combining the lexical ranking with a dense (embedding) ranking when an embedder is configured. Two methods:
// - `rrf`, reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): only ranks count, so the two
//   score scales (BM25F's unbounded one, cosine's -1..1) never need to agree. The default.
// - `weighted`: each list's scores are min-max normalised to 0..1 over the list, then mixed linearly. It keeps
//   how much better the first result is than the second, which RRF throws away, at the price of trusting both
//   scales within a list.
// In both, `weight` is the dense share (0..1), as in the `discovery.fusion.weight` setting.

/** A scored id from one ranking. Higher is better; the order of the array does not matter. */
export interface ScoredId {
  id: string;
  score: number;
}

/** A fused result: the fused score, and the original score from each ranking that had the id. */
export interface FusedScore {
  id: string;
  score: number;
  lexical?: number;
  dense?: number;
}

export interface FusionOptions {
  method: 'rrf' | 'weighted';
  /** The dense share, 0..1 (default 0.5): 0 is lexical only, 1 dense only. */
  weight?: number;
  /** RRF's rank constant (default 60, as in the paper): larger flattens the advantage of the top ranks. */
  k?: number;
}

/** Best score per id, best first (ties by id, so equal inputs give equal outputs). NaN scores are dropped. */
function ranked(list: readonly ScoredId[]): ScoredId[] {
  const best = new Map<string, number>();
  for (const { id, score } of list) {
    if (Number.isNaN(score)) continue;
    const previous = best.get(id);
    if (previous === undefined || score > previous) best.set(id, score);
  }
  return [...best.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Scores mapped to 0..1 over the list (all equal: all 1). */
function normalised(list: readonly ScoredId[]): Map<string, number> {
  const out = new Map<string, number>();
  if (list.length === 0) return out;
  const max = list[0]!.score;
  const min = list[list.length - 1]!.score;
  for (const { id, score } of list) out.set(id, max > min ? (score - min) / (max - min) : 1);
  return out;
}

/** Fuses a lexical and a dense ranking into one, best first. An id in only one ranking gets 0 from the other. */
export function fuseScores(
  lexical: readonly ScoredId[],
  dense: readonly ScoredId[],
  options: FusionOptions,
): FusedScore[] {
  const weight = options.weight ?? 0.5;
  const k = options.k ?? 60;
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`fusion weight must be between 0 and 1, got ${weight}`);
  if (!(k >= 0)) throw new RangeError(`RRF k must be 0 or more, got ${k}`);
  const lex = ranked(lexical);
  const den = ranked(dense);
  const out = new Map<string, FusedScore>();
  const entry = (id: string) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { id, score: 0 }));
    return e;
  };
  if (options.method === 'rrf') {
    lex.forEach(({ id, score }, rank) => {
      const e = entry(id);
      e.lexical = score;
      e.score += (1 - weight) / (k + rank + 1);
    });
    den.forEach(({ id, score }, rank) => {
      const e = entry(id);
      e.dense = score;
      e.score += weight / (k + rank + 1);
    });
  } else {
    const lexNorm = normalised(lex);
    const denNorm = normalised(den);
    for (const { id, score } of lex) {
      const e = entry(id);
      e.lexical = score;
      e.score += (1 - weight) * lexNorm.get(id)!;
    }
    for (const { id, score } of den) {
      const e = entry(id);
      e.dense = score;
      e.score += weight * denNorm.get(id)!;
    }
  }
  return [...out.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
