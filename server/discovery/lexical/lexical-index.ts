// The embedded tool search: BM25F over tool fields, optionally gated by a BM25F ranking of servers first
// (two-stage, as in MCP-Zero, arXiv 2506.01056). Synchronous and in memory; the gateway keeps it in step with
// the catalog through upsert/remove, so a search never waits on an upstream.

import type { ToolDocument } from '@localmcp/plugin-api';
import type { Term } from '../text/analyzer.js';
import { conceptsOf, queryTermsOf, type QueryConcept } from '../text/query.js';
import { SpellingIndex } from '../text/spelling.js';
import { loadThesaurus, thesaurusOf } from '../text/thesaurus.js';
import {
  lengthOfTerm,
  nameParts,
  serverFieldTerms,
  toolFieldTerms,
  type ServerField,
  type ToolField,
} from './documents.js';
import { explainMatch } from './explain.js';
import { bigramCount, nameCoverageOf, phraseMatches, queryBigrams, queryCoverageOf, summaryParts } from './features.js';
import { FieldIndex } from './field-index.js';
import { resolveOptions, type LexicalIndexOptions, type RankingStrategy, type ResolvedOptions } from './options.js';
import { rank, type RankCandidate, type RankQuery, type ScoreCombination } from './rank.js';
import { topK } from './top-k.js';

export type { ServerField, ToolField } from './documents.js';
export type { FieldSpec } from './field-index.js';
export {
  DEFAULT_SERVER_FIELDS,
  DEFAULT_TOOL_FIELDS,
  type LexicalIndexOptions,
  type RankingStrategy,
} from './options.js';
export type { ScoreCombination } from './rank.js';

/** One search result. `score` is comparable within one search only. */
export interface LexicalHit {
  id: string;
  server: string;
  score: number;
  /** A short sentence on why the tool matched: `name matches "issue", description matches "create"`. */
  reason: string;
  /** Per field, the query words it matched (fields with no match are left out). */
  matched: Partial<Record<ToolField, string[]>>;
}

export interface LexicalSearchOptions {
  /** At most this many hits (default 10). */
  limit?: number;
  /** Only tools of these servers. */
  servers?: readonly string[];
  /** Only tools this accepts (a principal's scope), applied before ranking so the top k are all allowed. */
  accept?: (id: string) => boolean;
  strategy?: RankingStrategy;
  combine?: ScoreCombination;
}

// A pasted document as a query should cost a bounded time; its commonest words add little to a ranking.
const MAX_CONCEPTS = 32;
const SPELLING_CACHE_LIMIT = 10_000;

interface Entry {
  doc: ToolDocument;
  terms: Record<ToolField, string[]>;
  nameParts: string[];
  /** The summary's words, or none when it is written in CJK (see summaryParts). */
  summaryParts: string[];
}

export class LexicalIndex {
  private readonly options: ResolvedOptions;
  private readonly tools: FieldIndex<ToolField>;
  private readonly servers: FieldIndex<ServerField>;
  private readonly entries = new Map<string, Entry>();
  /** Tool ids per server, and the server's description (from its most recently upserted tool). */
  private readonly serverTools = new Map<string, Set<string>>();
  private readonly serverDescriptions = new Map<string, string | undefined>();
  private readonly staleServers = new Set<string>();
  private serverOfSlot: string[] = [];
  private spelling: { revision: number; index: SpellingIndex; cache: Map<string, string[]> } | undefined;

  constructor(options: LexicalIndexOptions = {}) {
    this.options = resolveOptions(options);
    this.tools = new FieldIndex(this.options.fields, this.options.k1, lengthOfTerm);
    this.servers = new FieldIndex(this.options.serverFields, this.options.k1, lengthOfTerm);
    // The thesaurus also tells a typo from an English word no tool has (correctSpelling).
    if (this.options.thesaurusWeight > 0 || this.options.spellingWeight > 0) loadThesaurus();
  }

  /** Adds tools, or replaces those whose id is already indexed. */
  upsert(docs: readonly ToolDocument[]): void {
    for (const doc of docs) {
      const previous = this.entries.get(doc.id);
      if (previous) this.detach(previous.doc);
      const terms = toolFieldTerms(doc);
      this.entries.set(doc.id, {
        doc,
        terms,
        nameParts: nameParts(doc.name),
        summaryParts: summaryParts(terms.summary),
      });
      const slot = this.tools.set(doc.id, terms);
      this.serverOfSlot[slot] = doc.server;
      let ids = this.serverTools.get(doc.server);
      if (!ids) this.serverTools.set(doc.server, (ids = new Set()));
      ids.add(doc.id);
      this.serverDescriptions.set(doc.server, doc.serverDescription);
      this.staleServers.add(doc.server);
    }
    this.refreshServers();
  }

  /** Removes tools by id; unknown ids are ignored. */
  remove(ids: readonly string[]): void {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      this.detach(entry.doc);
      this.entries.delete(id);
    }
    this.refreshServers();
  }

  /** How many tools are indexed. */
  size(): number {
    return this.entries.size;
  }

  /** The indexed tool with this id. */
  get(id: string): ToolDocument | undefined {
    return this.entries.get(id)?.doc;
  }

  /** The best tools for a query, best first. A query with no searchable words gives no hits. */
  search(query: string, options: LexicalSearchOptions = {}): LexicalHit[] {
    const limit = options.limit ?? 10;
    if (limit <= 0 || this.entries.size === 0) return [];
    const allowed = options.servers ? new Set(options.servers) : undefined;
    const strategy = options.strategy ?? this.options.strategy;
    const result = this.rankQuery(
      query,
      limit,
      allowed,
      strategy,
      options.combine ?? this.options.combine,
      options.accept,
    );
    if (!result) return [];
    return result.ranked.map(({ item: { doc, terms }, score }) => {
      const { matched, reason } = explainMatch(result.concepts, terms);
      return { id: doc.id, server: doc.server, score, reason, matched };
    });
  }

  private rankQuery(
    query: string,
    limit: number,
    allowed: ReadonlySet<string> | undefined,
    strategy: RankingStrategy,
    combine: ScoreCombination,
    acceptTool?: (id: string) => boolean,
  ) {
    const queryTerms = queryTermsOf(query);
    const concepts = this.correctSpelling(this.mostSpecific(conceptsOf(queryTerms, this.expansion())));
    if (concepts.length === 0) return undefined;
    const rankQuery: RankQuery = {
      idf: concepts.map((c) => this.tools.idf(c.term)),
      queryWeight: concepts.map((c) => 1 + Math.log(c.count)),
      required: concepts.map((c) => !c.optional),
      coordination: this.options.coordination,
    };
    const candidates = this.candidates(
      concepts,
      rankQuery,
      queryTerms,
      allowed,
      Math.max(limit, this.options.rerankDepth),
      acceptTool,
    );
    const ranked = rank(candidates, rankQuery, {
      limit,
      serverScores: strategy === 'two-stage' ? this.serverScores(concepts, allowed) : undefined,
      serverLimit: this.options.serverLimit,
      serverFromTools: this.options.serverFromTools,
      serverTopTools: this.options.serverTopTools,
      fusionDepth: this.options.fusionDepth,
      fusionK: this.options.fusionK,
      fusionWeight: this.fusionWeightFor(concepts),
      combine,
    });
    return { concepts, ranked };
  }

  /**
   * The gated ranking's weight in the fusion for this request: the full fusionWeight from 1 + fusionRamp
   * required concepts on, less for shorter requests, none for a single word. A request of a word or two says
   * little about which server it needs (a server's document, made of all its tools, matches a lone word about
   * as well as any of its tools does), while a longer one describes a task, which is what a server stands for.
   */
  private fusionWeightFor(concepts: readonly QueryConcept[]): number {
    const { fusionWeight, fusionRamp } = this.options;
    if (fusionRamp <= 0) return fusionWeight;
    const required = concepts.filter((c) => !c.optional).length;
    return fusionWeight * Math.min(1, Math.max(0, required - 1) / fusionRamp);
  }

  /** The weights of query expansion. */
  private expansion() {
    const { synonymWeight, thesaurusWeight, translationWeight } = this.options;
    return { synonymWeight, thesaurusWeight, translationWeight };
  }

  /** Concepts whose word no tool has get the nearest known words as related terms (see spelling.ts). */
  private correctSpelling(concepts: QueryConcept[]): QueryConcept[] {
    const weight = this.options.spellingWeight;
    if (weight <= 0) return concepts;
    for (const concept of concepts) {
      // A word the thesaurus knows is English, not a typo, even if no tool has it ("lunch" is not "launch").
      if (this.tools.has(concept.term) || concept.term.length < 5 || thesaurusOf(concept.term).size > 0) continue;
      if (this.spelling?.revision !== this.tools.revision) {
        const index = new SpellingIndex(this.tools.vocabulary());
        this.spelling = { revision: this.tools.revision, index, cache: new Map() };
      }
      const { index, cache } = this.spelling;
      let suggestions = cache.get(concept.term);
      if (!suggestions) {
        // Commoner words first: a typo is more likely of a word many tools use.
        suggestions = index.suggest(concept.term, (t) => -this.tools.idf(t));
        if (cache.size >= SPELLING_CACHE_LIMIT) cache.clear();
        cache.set(concept.term, suggestions);
      }
      for (const term of suggestions) {
        concept.terms.push({ term, weight, via: 'spelling' });
        // A misspelt word stands for the corrected one, so it has that word's related words too, at both weights
        // ("treendings" finds 热门 as "trending" does); not its thesaurus words, too loose for a guess.
        const [corrected] = conceptsOf([{ term, word: term }], { ...this.expansion(), thesaurusWeight: 0 });
        for (const related of corrected!.terms.slice(1))
          if (!concept.terms.some((t) => t.term === related.term))
            concept.terms.push({ term: related.term, weight: weight * related.weight, via: 'spelling' });
      }
    }
    return concepts;
  }

  /** At most MAX_CONCEPTS concepts: the rarest, in query order. */
  private mostSpecific(concepts: QueryConcept[]): QueryConcept[] {
    if (concepts.length <= MAX_CONCEPTS) return concepts;
    const keep = new Set(
      [...concepts].sort((a, b) => this.tools.idf(b.term) - this.tools.idf(a.term)).slice(0, MAX_CONCEPTS),
    );
    return concepts.filter((c) => keep.has(c));
  }

  /** Stage 1, BM25F over the inverted index; then the features of the best `depth` candidates. */
  private candidates(
    concepts: readonly QueryConcept[],
    rankQuery: RankQuery,
    queryTerms: readonly Term[],
    allowed: ReadonlySet<string> | undefined,
    depth: number,
    acceptTool?: (id: string) => boolean,
  ): RankCandidate<Entry>[] {
    const inServers = allowed ? (slot: number) => allowed.has(this.serverOfSlot[slot]!) : undefined;
    const accept = acceptTool
      ? (slot: number) => (inServers?.(slot) ?? true) && acceptTool(this.tools.key(slot)!)
      : inServers;
    const { slots, score, coverage, contributions } = this.tools.score(concepts, accept);
    const c = this.options.coordination;
    const first = topK(slots, (slot) => score[slot]! * coverage[slot]! ** c, depth);
    const perConcept = contributions(first);
    const weights = new Map<string, number>();
    for (const concept of concepts)
      for (const { term, weight } of concept.terms) weights.set(term, Math.max(weight, weights.get(term) ?? 0));
    const bigrams = queryBigrams(queryTerms);
    const bigramTotal = bigramCount(bigrams);
    const idfs = new Map<string, number>();
    const idf = (term: string) => idfs.get(term) ?? idfs.set(term, this.tools.idf(term)).get(term)!;
    const { nameBoost, phraseBoost, summaryBoost } = this.options;
    return first.map((slot, i) => {
      const entry = this.entries.get(this.tools.key(slot)!)!;
      const { score: contributions, weight: matchWeights } = perConcept[i]!;
      const nameCoverage = nameBoost > 0 || summaryBoost > 0 ? nameCoverageOf(entry.nameParts, weights, idf) : 0;
      // A phrase needs two matched concepts.
      const phrase =
        phraseBoost > 0 && bigramTotal > 0 && matchWeights.filter((w) => w > 0).length >= 2
          ? phraseMatches(entry.terms, bigrams) / bigramTotal
          : 0;
      // A summary in CJK is indexed as character n-grams, of which an English request never covers a fair share:
      // the name, which says the same in brief, stands in for it.
      const summary =
        summaryBoost > 0
          ? (entry.summaryParts.length > 0 ? nameCoverageOf(entry.summaryParts, weights, idf) : nameCoverage) *
            queryCoverageOf(matchWeights, rankQuery.idf, rankQuery.required) ** 2
          : 0;
      const boost = 1 + nameBoost * nameCoverage + phraseBoost * phrase + summaryBoost * summary;
      return { item: entry, server: entry.doc.server, contributions, matchWeights, boost };
    });
  }

  /** Each server's BM25F score (with coordination), normalised to the best one. */
  private serverScores(concepts: readonly QueryConcept[], allowed: ReadonlySet<string> | undefined) {
    const accept = allowed ? (slot: number) => allowed.has(this.servers.key(slot)!) : undefined;
    const { slots, score, coverage } = this.servers.score(concepts, accept);
    const c = this.options.coordination;
    const out = new Map<string, number>();
    let max = 0;
    for (const slot of slots) {
      const value = score[slot]! * coverage[slot]! ** c;
      out.set(this.servers.key(slot)!, value);
      if (value > max) max = value;
    }
    if (max > 0) for (const [server, value] of out) out.set(server, value / max);
    return out;
  }

  private detach(doc: ToolDocument): void {
    this.tools.delete(doc.id);
    const ids = this.serverTools.get(doc.server);
    ids?.delete(doc.id);
    if (ids?.size === 0) {
      this.serverTools.delete(doc.server);
      this.serverDescriptions.delete(doc.server);
    }
    this.staleServers.add(doc.server);
  }

  /** Rebuilds the documents of the servers whose tools changed. */
  private refreshServers(): void {
    for (const server of this.staleServers) {
      const ids = this.serverTools.get(server);
      if (!ids) {
        this.servers.delete(server);
        continue;
      }
      const tools = [...ids].map((id) => this.entries.get(id)!.terms);
      this.servers.set(server, serverFieldTerms(server, this.serverDescriptions.get(server), tools));
    }
    this.staleServers.clear();
  }
}
