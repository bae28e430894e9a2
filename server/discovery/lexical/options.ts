// The engine's options and their defaults. The defaults were chosen on one half of the LiveMCPBench queries
// and checked on the other half (by task, so that no task is in both); summaryBoost and fusionRamp, added last,
// were chosen on all of them and gain on each half alone. See the README's benchmark section.

import type { ServerField, ToolField } from './documents.js';
import type { FieldSpec } from './field-index.js';
import type { ScoreCombination } from './rank.js';

/** `two-stage`: servers first, then tools within the best servers; `single-stage`: tools alone. */
export type RankingStrategy = 'two-stage' | 'single-stage';

export interface LexicalIndexOptions {
  /** BM25 term-frequency saturation (default 1.2). */
  k1?: number;
  /** Weight and length normalisation per tool field (see DEFAULT_TOOL_FIELDS). */
  fields?: Partial<Record<ToolField, Partial<FieldSpec>>>;
  /** Weight and length normalisation per server field, for two-stage search (see DEFAULT_SERVER_FIELDS). */
  serverFields?: Partial<Record<ServerField, Partial<FieldSpec>>>;
  /** Weight of a related word (get ~ fetch) relative to the query's own word; 0 disables expansion. */
  synonymWeight?: number;
  /** Weight of a word the general thesaurus relates to a query word (estimate ~ calculate); 0 disables it. */
  thesaurusWeight?: number;
  /**
   * Weight of a related word in the other language (news ~ 新闻, from the Chinese glossary and equivalents),
   * relative to the query's own word; 0 disables it.
   */
  translationWeight?: number;
  /**
   * Coordination: scores are multiplied by coverage^coordination, coverage being the IDF-weighted share of the
   * query's concepts a tool matches. 0 turns it off.
   */
  coordination?: number;
  /** Boost for tools whose name the query covers: score·(1 + nameBoost·IDF-weighted share of the name). */
  nameBoost?: number;
  /**
   * Boost for tools whose summary (the description's first sentence, what the tool says it does) the query
   * covers: score·(1 + summaryBoost·S·Q²), S the IDF-weighted share of the summary's words the query asks for
   * and Q the share of the query the tool matches. BM25F asks how much of the query a tool has; this asks the
   * other way round, how much of what the tool does the query asks for. Q² keeps a long request, which covers
   * a little of every summary, from lifting tools that match only a corner of it.
   */
  summaryBoost?: number;
  /** Boost for query word pairs side by side in the name or summary: score·(1 + phraseBoost·share of pairs). */
  phraseBoost?: number;
  /** Weight of a spelling correction of a query word no tool has; 0 disables correction. */
  spellingWeight?: number;
  /** How many of the best BM25F candidates go on to the second stage (features, server scores); at least the limit. */
  rerankDepth?: number;
  /** Two-stage: the tools of the best this-many servers are ranked ahead of all others. */
  serverLimit?: number;
  /** Two-stage: the share of a server's score that comes from its best matching tools, not its document. */
  serverFromTools?: number;
  /** Two-stage: how many of a server's best matching tools make that share. */
  serverTopTools?: number;
  /**
   * Two-stage: how many of the first results fuse the server-gated ranking with the ungated (single-stage) one
   * by reciprocal-rank fusion; 0 turns fusion off.
   */
  fusionDepth?: number;
  /** Two-stage: the reciprocal-rank fusion constant k (a result at rank r scores 1/(k + r)). */
  fusionK?: number;
  /** Two-stage: the gated ranking's weight in the fusion (0..1), the ungated one's being the rest. */
  fusionWeight?: number;
  /**
   * Two-stage: the gated ranking weighs fusionWeight·min(1, (c − 1)/fusionRamp) in the fusion, c being the
   * number of the request's concepts: nothing for a single word, the full weight from 1 + fusionRamp concepts
   * on. 0 keeps fusionWeight for every request.
   */
  fusionRamp?: number;
  /** The strategy of searches that do not name one. */
  strategy?: RankingStrategy;
  /** How two-stage search combines server and tool scores, for searches that do not say. */
  combine?: ScoreCombination;
}

/**
 * Tool fields. The name weighs most (a tool name is a compact verb_object summary) and the description's first
 * sentence (`summary`) counts on top of the whole description; parameters and the server count less. A lower
 * b for short fields: a name of five words is not less about each of them than one of two.
 */
export const DEFAULT_TOOL_FIELDS: Readonly<Record<ToolField, FieldSpec>> = {
  name: { weight: 4.5, b: 0.5 },
  summary: { weight: 1, b: 0.5 },
  description: { weight: 1, b: 0.75 },
  parameters: { weight: 0.5, b: 0.5 },
  parameterDescriptions: { weight: 0.3, b: 0.75 },
  server: { weight: 0.7, b: 0.3 },
  serverDescription: { weight: 0.3, b: 0.75 },
};

/** Server fields: its own name and description, and the names and descriptions of all its tools. */
export const DEFAULT_SERVER_FIELDS: Readonly<Record<ServerField, FieldSpec>> = {
  name: { weight: 3, b: 0.3 },
  description: { weight: 1.5, b: 0.75 },
  toolNames: { weight: 1, b: 0.75 },
  toolDescriptions: { weight: 0.5, b: 0.75 },
};

export type ResolvedOptions = Required<Omit<LexicalIndexOptions, 'fields' | 'serverFields'>> & {
  fields: Record<ToolField, FieldSpec>;
  serverFields: Record<ServerField, FieldSpec>;
};

const DEFAULTS: Omit<ResolvedOptions, 'fields' | 'serverFields'> = {
  k1: 1.2,
  synonymWeight: 0.5,
  thesaurusWeight: 0.2,
  // Higher than a same-language synonym's: a translation names the same thing, where "get" and "fetch" only may.
  translationWeight: 0.8,
  coordination: 1,
  nameBoost: 2,
  summaryBoost: 6,
  phraseBoost: 0.25,
  spellingWeight: 0.8,
  rerankDepth: 100,
  serverLimit: 10,
  serverFromTools: 0.25,
  serverTopTools: 3,
  fusionDepth: 5,
  fusionK: 10,
  fusionWeight: 0.6,
  fusionRamp: 4,
  strategy: 'two-stage',
  // The plain product rather than MCP-Zero's (s·t)·max(s, t): that extra factor squares the stronger of the two
  // scores, so a strong server drags its weaker tools above a better tool of the second-best server. With
  // thousands of small servers (registry packages of one or two tools) that cost more than it gained.
  combine: 'product',
};

function mergeSpecs<F extends string>(
  defaults: Readonly<Record<F, FieldSpec>>,
  overrides: Partial<Record<F, Partial<FieldSpec>>> | undefined,
): Record<F, FieldSpec> {
  const out = {} as Record<F, FieldSpec>;
  for (const field of Object.keys(defaults) as F[]) out[field] = { ...defaults[field], ...overrides?.[field] };
  return out;
}

/** The options with every default filled in (an option given as undefined takes its default). */
export function resolveOptions(options: LexicalIndexOptions = {}): ResolvedOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return {
    ...DEFAULTS,
    ...given,
    fields: mergeSpecs(DEFAULT_TOOL_FIELDS, options.fields),
    serverFields: mergeSpecs(DEFAULT_SERVER_FIELDS, options.serverFields),
  };
}
