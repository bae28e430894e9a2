// Ranking metrics for tool retrieval. A query needs one or more tools; each needed tool has a list of
// acceptable ids (the same tool name on several servers). A ranked id is relevant when it is acceptable for a
// needed tool not already found higher up, so two copies of one tool never count twice.

/** Per-query figures, before averaging. */
export interface QueryMetrics {
  hit1: number;
  hit5: number;
  recall5: number;
  recall10: number;
  ndcg5: number;
  mrr: number;
  serverRecall5: number;
}

const serverOfId = (id: string, serverOf: (id: string) => string | undefined) => serverOf(id) ?? id.split('::')[0]!;

/** For each rank, the index of the needed tool first found there (or -1). */
function relevance(ranked: readonly string[], gold: readonly (readonly string[])[]): number[] {
  const found = new Set<number>();
  return ranked.map((id) => {
    const needed = gold.findIndex((acceptable, i) => !found.has(i) && acceptable.includes(id));
    if (needed >= 0) found.add(needed);
    return needed;
  });
}

const recallAt = (rel: readonly number[], k: number, needed: number) =>
  rel.slice(0, k).filter((r) => r >= 0).length / needed;

/**
 * The metrics of one ranking. `serverOf` maps an id to its server (ids default to `<server>::<tool>`).
 * serverRecall5: of the servers the needed tools live on (one acceptable set per needed tool, deduplicated),
 * the share that has a tool among the top 5.
 */
export function queryMetrics(
  ranked: readonly string[],
  gold: readonly (readonly string[])[],
  serverOf: (id: string) => string | undefined = () => undefined,
): QueryMetrics {
  const needed = gold.length;
  const rel = relevance(ranked, gold);
  const anyGold = new Set(gold.flat());
  const hitAt = (k: number) => (ranked.slice(0, k).some((id) => anyGold.has(id)) ? 1 : 0);
  const firstRank = ranked.findIndex((id) => anyGold.has(id));

  let dcg = 0;
  rel.slice(0, 5).forEach((r, i) => {
    if (r >= 0) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(5, needed); i++) ideal += 1 / Math.log2(i + 2);

  const top5Servers = new Set(ranked.slice(0, 5).map((id) => serverOfId(id, serverOf)));
  const serverSets = new Map<string, string[]>();
  for (const acceptable of gold) {
    const servers = [...new Set(acceptable.map((id) => serverOfId(id, serverOf)))].sort();
    serverSets.set(servers.join('\u0000'), servers);
  }
  const serversFound = [...serverSets.values()].filter((servers) => servers.some((s) => top5Servers.has(s))).length;

  return {
    hit1: hitAt(1),
    hit5: hitAt(5),
    recall5: needed ? recallAt(rel, 5, needed) : 0,
    recall10: needed ? recallAt(rel, 10, needed) : 0,
    ndcg5: ideal > 0 ? dcg / ideal : 0,
    mrr: firstRank >= 0 ? 1 / (firstRank + 1) : 0,
    serverRecall5: serverSets.size ? serversFound / serverSets.size : 0,
  };
}

/** The mean of each metric over queries (0 for none). */
export function meanMetrics(all: readonly QueryMetrics[]): QueryMetrics {
  const keys: Array<keyof QueryMetrics> = ['hit1', 'hit5', 'recall5', 'recall10', 'ndcg5', 'mrr', 'serverRecall5'];
  const out = {} as QueryMetrics;
  for (const key of keys) out[key] = all.length ? all.reduce((sum, m) => sum + m[key], 0) / all.length : 0;
  return out;
}
