// BM25F over a fixed list of fields (Robertson, Zaragoza & Taylor, "Simple BM25 extension to multiple weighted
// fields", CIKM 2004): per field, term frequency is normalised by that field's length against its average, the
// weighted sum over fields is saturated once with k1, and multiplied by the term's IDF. The same class scores
// tools and servers (a server's document is built from its tools).
//
// Postings are kept per field (term -> slot -> frequency), which makes upsert/remove exact and simple. A search
// reads a compiled form instead: per term, one pair of typed arrays (slots, field-weighted normalised tf),
// built on first use after the index last changed. So a search walks only its own terms' postings, in tight
// loops, and never the documents' text.

import type { QueryConcept } from '../text/query.js';

/** How a field counts: its weight in the BM25F sum and its length normalisation b (0 = none, 1 = full). */
export interface FieldSpec {
  weight: number;
  b: number;
}

/** The documents that matched at least one concept, with what the second ranking stage needs. */
export interface FieldScores {
  slots: number[];
  /** Indexed by slot (only entries of `slots` are meaningful): the BM25F score. */
  score: Float64Array;
  /** Indexed by slot: the IDF-weighted share of the required concepts matched (a related word counts less). */
  coverage: Float64Array;
  /**
   * For each of `candidates` (slots from `slots`): per concept, its contribution to the score and the weight of
   * the term it matched through (1 for the word itself, lower for a related word, 0 for no match). It reads a
   * log the index reuses, so call it before the index's next search.
   */
  contributions(candidates: readonly number[]): Array<{ score: Float64Array; weight: Float64Array }>;
}

interface CompiledPosting {
  version: number;
  slots: Int32Array;
  tf: Float64Array;
}

export class FieldIndex<F extends string> {
  readonly fields: readonly F[];
  private readonly specs: FieldSpec[];
  private readonly k1: number;
  private readonly postings: Array<Map<string, Map<number, number>>>;
  private readonly compiled = new Map<string, CompiledPosting>();
  private readonly df = new Map<string, number>();
  private readonly slotOf = new Map<string, number>();
  private keys: Array<string | undefined> = [];
  /** Per slot and field, the distinct terms (for removal). */
  private terms: Array<string[][] | undefined> = [];
  private lengths = new Float64Array(0);
  private readonly totalLength: Float64Array;
  private readonly free: number[] = [];
  private norms = new Float64Array(0);
  /** Bumped by every change; compiled postings and norms of an older version are rebuilt on use. */
  private version = 1;
  private normsVersion = 0;
  // Scratch buffers reused across searches (one search at a time: the index is synchronous).
  private tfBuffer = new Float64Array(0);
  private bestBuffer = new Float64Array(0);
  private scoreBuffer = new Float64Array(0);
  private coverageBuffer = new Float64Array(0);
  private weightBuffer = new Float64Array(0);
  private conceptMark = new Uint32Array(0);
  private docMark = new Uint32Array(0);
  private anchorMark = new Uint32Array(0);
  private compileMark = new Uint32Array(0);
  private position = new Int32Array(0);
  private epoch = 0;
  private readonly log = new ContributionLog();

  /**
   * `termLength` is how much one term adds to a field's length (1 unless said otherwise): length normalisation
   * should compare how much a field says, and some terms say less than a word (see lengthOfTerm in documents.ts).
   */
  constructor(
    fields: Record<F, FieldSpec>,
    k1: number,
    private readonly termLength: (term: string) => number = () => 1,
  ) {
    this.fields = Object.keys(fields) as F[];
    this.specs = this.fields.map((f) => fields[f]);
    this.k1 = k1;
    this.postings = this.fields.map(() => new Map());
    this.totalLength = new Float64Array(this.fields.length);
  }

  /** Number of documents. */
  get size(): number {
    return this.slotOf.size;
  }

  key(slot: number): string | undefined {
    return this.keys[slot];
  }

  /** Adds or replaces the document `key`; `fieldTerms` gives each field's terms (repeats count). */
  set(key: string, fieldTerms: Readonly<Record<F, readonly string[]>>): number {
    this.delete(key);
    const slot = this.free.pop() ?? this.keys.length;
    this.ensureCapacity(slot + 1);
    this.keys[slot] = key;
    this.slotOf.set(key, slot);
    const F = this.fields.length;
    const seen = new Set<string>();
    const distinct: string[][] = [];
    for (let f = 0; f < F; f++) {
      const terms = fieldTerms[this.fields[f]!];
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      const postings = this.postings[f]!;
      for (const [term, tf] of counts) {
        let posting = postings.get(term);
        if (!posting) postings.set(term, (posting = new Map()));
        posting.set(slot, tf);
        if (!seen.has(term)) {
          seen.add(term);
          this.df.set(term, (this.df.get(term) ?? 0) + 1);
        }
      }
      distinct.push([...counts.keys()]);
      let length = 0;
      for (const term of terms) length += this.termLength(term);
      this.lengths[slot * F + f] = length;
      this.totalLength[f]! += length;
    }
    this.terms[slot] = distinct;
    this.version++;
    return slot;
  }

  /** Removes a document; unknown keys are ignored. */
  delete(key: string): boolean {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return false;
    const F = this.fields.length;
    const seen = new Set<string>();
    this.terms[slot]!.forEach((terms, f) => {
      for (const term of terms) {
        const posting = this.postings[f]!.get(term);
        posting?.delete(slot);
        if (posting?.size === 0) this.postings[f]!.delete(term);
        if (seen.has(term)) continue;
        seen.add(term);
        const df = (this.df.get(term) ?? 1) - 1;
        if (df > 0) this.df.set(term, df);
        else {
          this.df.delete(term);
          this.compiled.delete(term);
        }
      }
      this.totalLength[f]! -= this.lengths[slot * F + f]!;
      this.lengths[slot * F + f] = 0;
    });
    this.slotOf.delete(key);
    this.keys[slot] = undefined;
    this.terms[slot] = undefined;
    this.free.push(slot);
    this.version++;
    return true;
  }

  /** Robertson-Sparck Jones IDF as in Lucene's BM25 (never negative). */
  idf(term: string): number {
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (this.slotOf.size - df + 0.5) / (df + 0.5));
  }

  /** Whether any document has the term. */
  has(term: string): boolean {
    return this.df.has(term);
  }

  /** Every distinct term (for spelling correction). */
  vocabulary(): IterableIterator<string> {
    return this.df.keys();
  }

  /** The index's version: it changes whenever a document is added or removed. */
  get revision(): number {
    return this.version;
  }

  /**
   * Scores every document that matches at least one concept. A concept counts once per document, through the
   * best of its terms (the word itself or a related word at its lower weight); its IDF is the lower of the
   * word's and the matching term's, so a rare related word cannot outweigh the word asked for.
   * `accept` limits scoring to some slots (a server filter).
   */
  score(concepts: readonly QueryConcept[], accept?: (slot: number) => boolean): FieldScores {
    this.resetMarksIfNeeded();
    const slots: number[] = [];
    const { scoreBuffer: score, coverageBuffer: coverage, bestBuffer: best } = this;
    const { weightBuffer: bestWeight, conceptMark, docMark, anchorMark } = this;
    const docEpoch = ++this.epoch;
    this.log.epoch = docEpoch;
    const k1 = this.k1;
    let totalIdf = 0;
    // The contribution of each (concept, slot) pair, for the second stage: a log in reused typed arrays.
    const log = this.log;
    log.length = 0;
    concepts.forEach((concept, c) => {
      const conceptIdf = this.idf(concept.term);
      if (!concept.optional) totalIdf += conceptIdf;
      const queryWeight = 1 + Math.log(concept.count);
      const conceptEpoch = ++this.epoch;
      const touched: number[] = [];
      for (const { term, weight, via } of concept.terms) {
        const posting = this.posting(term);
        if (!posting) continue;
        const anchors = via !== 'thesaurus';
        const termIdf = weight === 1 ? conceptIdf : Math.min(conceptIdf, this.idf(term));
        const scale = weight * termIdf;
        const { slots: postingSlots, tf: postingTf } = posting;
        for (let i = 0; i < postingSlots.length; i++) {
          const slot = postingSlots[i]!;
          if (accept && !accept(slot)) continue;
          const t = postingTf[i]!;
          const value = (scale * t) / (k1 + t);
          if (anchors) anchorMark[slot] = docEpoch;
          if (conceptMark[slot] !== conceptEpoch) {
            conceptMark[slot] = conceptEpoch;
            best[slot] = value;
            bestWeight[slot] = weight;
            touched.push(slot);
          } else {
            if (value > best[slot]!) best[slot] = value;
            if (weight > bestWeight[slot]!) bestWeight[slot] = weight;
          }
        }
      }
      for (const slot of touched) {
        if (docMark[slot] !== docEpoch) {
          docMark[slot] = docEpoch;
          score[slot] = 0;
          coverage[slot] = 0;
          slots.push(slot);
        }
        score[slot]! += queryWeight * best[slot]!;
        if (!concept.optional) coverage[slot]! += bestWeight[slot]! * conceptIdf;
        log.push(slot, c, best[slot]!, bestWeight[slot]!);
      }
    });
    for (const slot of slots) coverage[slot] = totalIdf > 0 ? coverage[slot]! / totalIdf : 1;
    // A document matched through the thesaurus alone is not a result: its words are too loosely related for
    // that (a nonsense request would otherwise always find something). They only help rank what matched.
    const anchored = slots.filter((slot) => anchorMark[slot] === docEpoch);

    const conceptCount = concepts.length;
    const contributions = (candidates: readonly number[]) => {
      // One pass over the log, keeping the pairs of the candidates (found through `position`). The log is
      // this index's: valid until its next search.
      if (log.epoch !== docEpoch) throw new Error('contributions() called after another search');
      const out = candidates.map(() => ({
        score: new Float64Array(conceptCount),
        weight: new Float64Array(conceptCount),
      }));
      const epoch = ++this.epoch;
      candidates.forEach((slot, i) => {
        this.compileMark[slot] = epoch;
        this.position[slot] = i;
      });
      for (let h = 0; h < log.length; h++) {
        const slot = log.slots[h]!;
        if (this.compileMark[slot] !== epoch) continue;
        const entry = out[this.position[slot]!]!;
        entry.score[log.concepts[h]!] = log.values[h]!;
        entry.weight[log.concepts[h]!] = log.weights[h]!;
      }
      return out;
    };
    return { slots: anchored, score, coverage, contributions };
  }

  /** The compiled posting of a term (see the file comment), or undefined when no document has it. */
  private posting(term: string): CompiledPosting | undefined {
    if (!this.df.has(term)) return undefined;
    const cached = this.compiled.get(term);
    if (cached && cached.version === this.version) return cached;
    this.refreshNorms();
    const F = this.fields.length;
    const tf = this.tfBuffer;
    const mark = this.compileMark;
    const epoch = ++this.epoch;
    const slots: number[] = [];
    for (let f = 0; f < F; f++) {
      const posting = this.postings[f]!.get(term);
      if (!posting) continue;
      const weight = this.specs[f]!.weight;
      for (const [slot, freq] of posting) {
        if (mark[slot] !== epoch) {
          mark[slot] = epoch;
          tf[slot] = 0;
          slots.push(slot);
        }
        tf[slot]! += (weight * freq) / this.norms[slot * F + f]!;
      }
    }
    const compiled: CompiledPosting = {
      version: this.version,
      slots: Int32Array.from(slots),
      tf: Float64Array.from(slots, (slot) => tf[slot]!),
    };
    this.compiled.set(term, compiled);
    return compiled;
  }

  /** Marks are compared with epochs that only grow; start over well before they could overflow a Uint32. */
  private resetMarksIfNeeded(): void {
    if (this.epoch < 0xf0000000) return;
    this.conceptMark.fill(0);
    this.docMark.fill(0);
    this.anchorMark.fill(0);
    this.compileMark.fill(0);
    this.epoch = 0;
  }

  private refreshNorms(): void {
    if (this.normsVersion === this.version) return;
    const F = this.fields.length;
    const n = Math.max(1, this.slotOf.size);
    const average = Array.from(this.totalLength, (total) => Math.max(1, total / n));
    this.norms = new Float64Array(this.keys.length * F);
    for (let slot = 0; slot < this.keys.length; slot++) {
      for (let f = 0; f < F; f++) {
        const { b } = this.specs[f]!;
        this.norms[slot * F + f] = 1 - b + (b * this.lengths[slot * F + f]!) / average[f]!;
      }
    }
    this.normsVersion = this.version;
  }

  private ensureCapacity(size: number): void {
    if (this.docMark.length >= size) return;
    const capacity = Math.max(64, size * 2);
    const grow = <T extends Float64Array | Uint32Array>(old: T, length: number): T => {
      const next = new (old.constructor as new (n: number) => T)(length);
      next.set(old);
      return next;
    };
    this.lengths = grow(this.lengths, capacity * this.fields.length);
    this.tfBuffer = grow(this.tfBuffer, capacity);
    this.bestBuffer = grow(this.bestBuffer, capacity);
    this.scoreBuffer = grow(this.scoreBuffer, capacity);
    this.coverageBuffer = grow(this.coverageBuffer, capacity);
    this.weightBuffer = grow(this.weightBuffer, capacity);
    this.conceptMark = grow(this.conceptMark, capacity);
    this.docMark = grow(this.docMark, capacity);
    this.anchorMark = grow(this.anchorMark, capacity);
    this.compileMark = grow(this.compileMark, capacity);
    const position = new Int32Array(capacity);
    position.set(this.position);
    this.position = position;
  }
}

/** (slot, concept, contribution, match weight) records of one search, in typed arrays reused across searches. */
class ContributionLog {
  length = 0;
  epoch = 0;
  slots = new Int32Array(1024);
  concepts = new Int32Array(1024);
  values = new Float64Array(1024);
  weights = new Float64Array(1024);

  push(slot: number, concept: number, value: number, weight: number): void {
    if (this.length === this.slots.length) this.grow();
    this.slots[this.length] = slot;
    this.concepts[this.length] = concept;
    this.values[this.length] = value;
    this.weights[this.length] = weight;
    this.length++;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size);
    slots.set(this.slots);
    const concepts = new Int32Array(size);
    concepts.set(this.concepts);
    const values = new Float64Array(size);
    values.set(this.values);
    const weights = new Float64Array(size);
    weights.set(this.weights);
    Object.assign(this, { slots, concepts, values, weights });
  }
}
