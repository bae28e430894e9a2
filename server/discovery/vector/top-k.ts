/**
 * The `k` best (highest-scoring) rows seen so far: a binary min-heap of at most `k` entries, so a scan over n rows
 * costs O(n log k) and keeps O(k) memory instead of sorting all n scores. The root is the worst kept score, which
 * is also the bar a new row must clear; {@link TopK.admits} lets a caller skip work (a filter call) for rows that
 * would not get in anyway.
 */
export class TopK {
  readonly #k: number;
  readonly #scores: Float64Array;
  readonly #rows: Int32Array;
  #size = 0;

  constructor(k: number) {
    this.#k = Math.max(0, Math.floor(k));
    this.#scores = new Float64Array(this.#k);
    this.#rows = new Int32Array(this.#k);
  }

  /** How many rows are kept. */
  get size(): number {
    return this.#size;
  }

  /** True when a row scoring `score` would be kept by {@link offer}. */
  admits(score: number): boolean {
    return this.#size < this.#k || (this.#k > 0 && score > this.#scores[0]!);
  }

  /** Keeps `row` if it is among the k best so far (a tie with the worst kept row does not displace it). */
  offer(row: number, score: number): void {
    if (this.#size < this.#k) {
      this.#siftUp(this.#size++, row, score);
    } else if (this.#k > 0 && score > this.#scores[0]!) {
      this.#siftDown(0, row, score);
    }
  }

  /** The kept rows, best first. Empties the heap. */
  drain(): Array<{ row: number; score: number }> {
    const out = new Array<{ row: number; score: number }>(this.#size);
    for (let i = this.#size - 1; i >= 0; i--) {
      out[i] = { row: this.#rows[0]!, score: this.#scores[0]! };
      const last = --this.#size;
      if (last > 0) this.#siftDown(0, this.#rows[last]!, this.#scores[last]!);
    }
    return out;
  }

  #siftUp(at: number, row: number, score: number): void {
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#scores[parent]! <= score) break;
      this.#scores[i] = this.#scores[parent]!;
      this.#rows[i] = this.#rows[parent]!;
      i = parent;
    }
    this.#scores[i] = score;
    this.#rows[i] = row;
  }

  #siftDown(at: number, row: number, score: number): void {
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.#size) break;
      const right = left + 1;
      const child = right < this.#size && this.#scores[right]! < this.#scores[left]! ? right : left;
      if (this.#scores[child]! >= score) break;
      this.#scores[i] = this.#scores[child]!;
      this.#rows[i] = this.#rows[child]!;
      i = child;
    }
    this.#scores[i] = score;
    this.#rows[i] = row;
  }
}
