import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The key of a text's embedding: a hash of the text (the embedder id picks the file). */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}

/**
 * Embeddings kept on disk between runs, one file per embedder id, keyed by a hash of the embedded text: a restart
 * (or a tool list refresh) re-embeds only tools whose text changed. The file is JSON lines `{h, v}` (v: base64 of
 * the Float32Array), appended as vectors arrive and compacted when it holds many stale lines. Without a directory
 * it is a plain in-memory map.
 */
export class EmbeddingCache {
  private readonly vectors = new Map<string, Float32Array>();
  private readonly file: string | undefined;
  private lines = 0;
  private loaded = false;

  constructor(
    dir: string | undefined,
    readonly embedderId: string,
  ) {
    this.file = dir ? join(dir, `${embedderId.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`) : undefined;
  }

  get size(): number {
    return this.vectors.size;
  }

  async load(): Promise<void> {
    if (this.loaded || !this.file) return;
    this.loaded = true;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return; // No file yet: nothing cached.
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      this.lines++;
      try {
        const { h, v } = JSON.parse(line) as { h: string; v: string };
        const bytes = Buffer.from(v, 'base64');
        this.vectors.set(h, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
      } catch {
        // A torn last line after a crash: skip it; the vector is recomputed.
      }
    }
  }

  get(hash: string): Float32Array | undefined {
    return this.vectors.get(hash);
  }

  async setMany(entries: Array<[string, Float32Array]>): Promise<void> {
    for (const [hash, vector] of entries) this.vectors.set(hash, vector);
    if (!this.file || entries.length === 0) return;
    await mkdir(join(this.file, '..'), { recursive: true });
    const text = entries.map(([h, v]) => JSON.stringify({ h, v: encode(v) })).join('\n') + '\n';
    await appendFile(this.file, text);
    this.lines += entries.length;
  }

  /** Rewrites the file with only the hashes still in use, when stale lines outnumber live ones. */
  async compact(live: Set<string>): Promise<void> {
    for (const hash of this.vectors.keys()) if (!live.has(hash)) this.vectors.delete(hash);
    if (!this.file || this.lines <= 2 * Math.max(live.size, 100)) return;
    const tmp = `${this.file}.tmp`;
    const text = [...this.vectors].map(([h, v]) => JSON.stringify({ h, v: encode(v) })).join('\n');
    await writeFile(tmp, text ? `${text}\n` : '');
    await rename(tmp, this.file);
    this.lines = this.vectors.size;
  }
}

function encode(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}
