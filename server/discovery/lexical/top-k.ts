// Selecting the k best of many scored items without sorting them all: a search may match thousands of tools
// on a common word, and only the best hundred go on to the second stage.

/** The `k` items with the highest scores, best first; ties broken by the lower item (stable across runs). */
export function topK(items: readonly number[], score: (item: number) => number, k: number): number[] {
  if (k <= 0) return [];
  // A min-heap of the best k so far: its root is the weakest of them, the one to replace.
  const heapItems: number[] = [];
  const heapScores: number[] = [];
  const weaker = (a: number, b: number) =>
    heapScores[a]! < heapScores[b]! || (heapScores[a] === heapScores[b] && heapItems[a]! > heapItems[b]!);
  const swap = (a: number, b: number) => {
    [heapItems[a], heapItems[b]] = [heapItems[b]!, heapItems[a]!];
    [heapScores[a], heapScores[b]] = [heapScores[b]!, heapScores[a]!];
  };
  const siftDown = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heapItems.length && weaker(left, smallest)) smallest = left;
      if (right < heapItems.length && weaker(right, smallest)) smallest = right;
      if (smallest === i) return;
      swap(i, smallest);
      i = smallest;
    }
  };
  for (const item of items) {
    const s = score(item);
    if (heapItems.length < k) {
      heapItems.push(item);
      heapScores.push(s);
      for (let i = heapItems.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!weaker(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (s > heapScores[0]! || (s === heapScores[0] && item < heapItems[0]!)) {
      heapItems[0] = item;
      heapScores[0] = s;
      siftDown(0);
    }
  }
  return heapItems
    .map((item, i) => ({ item, s: heapScores[i]! }))
    .sort((a, b) => b.s - a.s || a.item - b.item)
    .map((x) => x.item);
}
