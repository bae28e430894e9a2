import { errorMessage, type Embedder, type SearchBackend, type ToolDocument } from '@localmcp/plugin-api';
import type { Catalog } from '../catalog/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import type { EmbeddingCache } from './embedding-cache.js';
import { contentHash } from './embedding-cache.js';
import { fuseScores } from './fusion.js';
import { LexicalIndex } from './lexical/index.js';
import { documentHash, embeddingText, toToolDocument } from './tool-documents.js';

/** One ranked tool, as `search_tools` and `localmcp tools search` show it. */
export interface ToolSearchResult {
  name: string;
  server: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  score: number;
  reason: string;
  /** Set when the tool's circuit is not CLOSED (calls may get a fallback answer). */
  state?: string;
  /** Which fields matched which query terms (for `--explain`). */
  matched?: Record<string, string[]>;
}

export interface DenseSearch {
  embedder: Embedder;
  backend: SearchBackend;
  cache: EmbeddingCache;
  fusion: { method: 'rrf' | 'weighted'; weight: number };
}

export interface ToolIndexOptions {
  catalog: Catalog;
  /** A server's one-line description (config or the server's instructions). */
  describeServer: (server: string) => string | undefined;
  strategy: 'two-stage' | 'single-stage';
  dense?: DenseSearch;
  logger: Logger;
}

/**
 * The search index over the catalog: the lexical engine always, and an embedder + vector backend when configured.
 * It follows the catalog incrementally (only tools whose indexed text changed are re-indexed) and never makes a
 * search wait on an upstream: tools are indexed from the catalog the gateway already holds.
 */
export class ToolIndex {
  private readonly lexical = new LexicalIndex();
  private readonly indexed = new Map<string, string>();
  private readonly denseIndexed = new Map<string, string>();
  private denseWork: Promise<void> = Promise.resolve();
  private onEmbedded: ((done: number, total: number) => void) | undefined;

  constructor(private readonly options: ToolIndexOptions) {
    options.catalog.on('changed', (kinds) => {
      if (kinds.has('tools')) this.sync();
    });
  }

  get size(): number {
    return this.indexed.size;
  }

  /** Brings the index in line with the catalog; dense vectors follow in the background. */
  sync(): void {
    const docs = new Map<string, ToolDocument>();
    for (const entry of this.options.catalog.listTools()) {
      docs.set(entry.publicName, toToolDocument(entry, this.options.describeServer(entry.server)));
    }
    const removed = [...this.indexed.keys()].filter((id) => !docs.has(id));
    const changed = [...docs.values()].filter((doc) => this.indexed.get(doc.id) !== documentHash(doc));
    if (removed.length > 0) this.lexical.remove(removed);
    if (changed.length > 0) this.lexical.upsert(changed);
    for (const id of removed) this.indexed.delete(id);
    for (const doc of changed) this.indexed.set(doc.id, documentHash(doc));
    if (this.options.dense && (removed.length > 0 || changed.length > 0)) {
      const dense = this.options.dense;
      this.denseWork = this.denseWork
        .then(() => this.syncDense(dense, docs))
        .catch((error: unknown) => {
          this.options.logger.warn({ err: errorMessage(error) }, 'embedding tools failed; searching lexically only');
        });
    }
  }

  /**
   * Resolves when background embedding has caught up (tests, `tools search`); `onProgress` hears of each embedded
   * batch meanwhile (tools embedded so far, tools to embed), for a progress bar.
   */
  async settled(onProgress?: (done: number, total: number) => void): Promise<void> {
    this.onEmbedded = onProgress;
    try {
      await this.denseWork;
    } finally {
      this.onEmbedded = undefined;
    }
  }

  private async syncDense(dense: DenseSearch, docs: Map<string, ToolDocument>): Promise<void> {
    await dense.cache.load();
    const removed = [...this.denseIndexed.keys()].filter((id) => !docs.has(id));
    if (removed.length > 0) await dense.backend.remove(removed);
    for (const id of removed) this.denseIndexed.delete(id);
    const pending = [...docs.values()]
      .map((doc) => ({ doc, text: embeddingText(doc) }))
      .map((item) => ({ ...item, hash: contentHash(item.text) }))
      .filter(({ doc, hash }) => this.denseIndexed.get(doc.id) !== hash);
    const missing = pending.filter(({ hash }) => !dense.cache.get(hash));
    for (let i = 0; i < missing.length; i += 64) {
      const batch = missing.slice(i, i + 64);
      const vectors = await dense.embedder.embed(batch.map((m) => m.text));
      await dense.cache.setMany(batch.map((m, j) => [m.hash, vectors[j]!] as [string, Float32Array]));
      this.onEmbedded?.(i + batch.length, missing.length);
    }
    await dense.backend.upsert(pending.map(({ doc, hash }) => ({ id: doc.id, vector: dense.cache.get(hash)! })));
    for (const { doc, hash } of pending) this.denseIndexed.set(doc.id, hash);
    await dense.cache.compact(new Set([...docs.values()].map((doc) => contentHash(embeddingText(doc)))));
    this.options.logger.debug(
      { embedded: missing.length, reused: pending.length - missing.length },
      'dense index synced',
    );
  }

  /** Ranked tools for a query; an empty or unmatched query is an empty list, never an error. */
  async search(
    query: string,
    options: { limit: number; servers?: string[]; accept?: (name: string) => boolean },
  ): Promise<ToolSearchResult[]> {
    if (query.trim() === '') return [];
    const accept = options.accept;
    let servers = options.servers?.length ? options.servers : undefined;
    if (accept) {
      // A scope limits the server stage too: a server with no allowed tool must not take a server slot.
      const reachable = new Set<string>();
      for (const entry of this.options.catalog.listTools()) if (accept(entry.publicName)) reachable.add(entry.server);
      servers = (servers ?? [...reachable]).filter((server) => reachable.has(server));
      if (servers.length === 0) return [];
    }
    const wanted = servers ? new Set(servers) : undefined;
    const pool = Math.max(options.limit * 4, 20);
    const lexical = this.lexical.search(query, {
      limit: pool,
      servers,
      accept,
      strategy: this.options.strategy,
    });
    const byId = new Map(lexical.map((hit) => [hit.id, hit]));
    let ranked: Array<{ id: string; score: number; dense?: number }> = lexical;
    const dense = this.options.dense;
    if (dense && this.denseIndexed.size > 0) {
      try {
        const [vector] = await dense.embedder.embed([query]);
        const filter =
          wanted || accept
            ? (id: string) =>
                (!wanted || wanted.has(this.options.catalog.resolveTool(id)?.server ?? '')) && (!accept || accept(id))
            : undefined;
        const hits = await dense.backend.search(vector!, { limit: pool, filter });
        ranked = fuseScores(lexical, hits, dense.fusion);
      } catch (error) {
        this.options.logger.warn({ err: errorMessage(error) }, 'dense search failed; lexical results only');
      }
    }
    const results: ToolSearchResult[] = [];
    for (const { id, score, dense: denseScore } of ranked) {
      const entry = this.options.catalog.resolveTool(id);
      if (!entry || (wanted && !wanted.has(entry.server)) || (accept && !accept(id))) continue;
      const hit = byId.get(id);
      const reason = hit?.reason ?? (denseScore !== undefined ? 'similar in meaning (embedding)' : 'related');
      results.push({
        name: id,
        server: entry.server,
        description: entry.item.description,
        inputSchema: entry.item.inputSchema as Record<string, unknown>,
        score: Math.round(score * 1000) / 1000,
        reason,
        matched: hit?.matched,
      });
      if (results.length >= options.limit) break;
    }
    return results;
  }
}
