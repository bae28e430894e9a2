import type { Embedder, HookOptions, PluginContext } from '@localmcp/plugin-api';
import type { Options } from './options.js';

/**
 * Feature hashing: each word (and each pair of adjacent words) adds ±1 to one of `dimensions` slots chosen by its
 * hash, and the vector is L2-normalised. No model and no network, so it is a working starting point: replace
 * `embed()` with your model or API. Keep the contract: one vector per text, in order, all of `dimensions` numbers,
 * normalised; and an `id` that changes whenever the vectors would (the gateway keys stored embeddings by it).
 */
export class {{className}} implements Embedder {
  readonly id: string;
  readonly dimensions: number;

  constructor(
    options: Options,
    private readonly ctx: Pick<PluginContext, 'metrics'>,
  ) {
    this.dimensions = options.dimensions;
    this.id = `{{id}}:hash-${options.dimensions}`;
  }

  async embed(texts: string[], options: HookOptions = {}): Promise<Float32Array[]> {
    options.signal?.throwIfAborted();
    this.ctx.metrics.increment('texts_embedded', {}, texts.length);
    return texts.map((text) => this.#vector(text));
  }

  #vector(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const features = [...words, ...words.slice(1).map((word, i) => `${words[i]} ${word}`)];
    for (const feature of features) {
      const hash = fnv1a(feature);
      vector[hash % this.dimensions]! += hash & 0x80000000 ? -1 : 1;
    }
    let sum = 0;
    for (const x of vector) sum += x * x;
    if (sum > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= Math.sqrt(sum);
    return vector;
  }
}

/** 32-bit FNV-1a: a fast, stable string hash. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
