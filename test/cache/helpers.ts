// Shared pieces of the cache tests: a parsed config, a clock the test moves, an upstream stand-in that counts
// its calls, and a small deterministic embedder for L3.
import { createHash } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CacheSchema, type CacheConfig, type CacheConfigInput } from '../../server/config/cache-schema.js';
import type { FetchToolResult } from '../../server/cache/index.js';

export function cacheConfig(input: CacheConfigInput = {}): CacheConfig {
  return CacheSchema.parse(input);
}

export const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

/** A clock the test moves by hand (ms since the epoch). */
export function manualClock(start = 1_700_000_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => void (time += ms),
  };
}

/**
 * An upstream stand-in: answers `answer(n)` for its n-th call (1-based), counts calls, and can be made to wait
 * for `release()` so a test controls when it answers.
 */
export function countingFetch(answer: (n: number) => CallToolResult | Promise<CallToolResult> = (n) => text(`#${n}`)) {
  const state = { calls: 0, background: 0, signals: [] as AbortSignal[] };
  const fetch: FetchToolResult = async (signal, context) => {
    state.calls++;
    if (context.background) state.background++;
    state.signals.push(signal);
    return answer(state.calls);
  };
  return Object.assign(state, { fetch });
}

/** A promise the test resolves by hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/**
 * Bag-of-words vectors: each word adds 1 to a dimension chosen by its hash, then the vector is normalised. Texts
 * sharing most words are close; texts sharing none are orthogonal (barring hash collisions in 256 dimensions).
 */
export function bagOfWordsEmbedder(dimensions = 256) {
  const state = { calls: 0, fail: false };
  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    state.calls++;
    if (state.fail) throw new Error('embedder down');
    return texts.map((t) => {
      const vector = new Float32Array(dimensions);
      for (const word of t.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
        vector[createHash('md5').update(word).digest().readUInt32BE(0) % dimensions]! += 1;
      }
      const norm = Math.hypot(...vector) || 1;
      return vector.map((x) => x / norm);
    });
  };
  return Object.assign(state, { embed });
}
