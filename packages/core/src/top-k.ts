/**
 * Indices of the `k` most similar entries of `distances` (most similar first). Ties keep index order,
 * so callers that lay rows out in insertion order get "earlier first". `accept(i)` may exclude rows.
 * Runs in O(n log k) with one small allocation of size k.
 */
export function selectTopK(
  distances: ArrayLike<number>,
  k: number,
  closer: 'lower' | 'higher',
  accept?: (index: number) => boolean,
): number[] {
  // A fractional k would otherwise keep one entry too many.
  const limit = Math.floor(k);
  if (!(limit > 0)) return [];
  const sign = closer === 'lower' ? 1 : -1;
  // `heap` is a binary max-heap on (sign * distance, index): its root is the worst of the kept entries.
  const heap: number[] = [];
  const worse = (a: number, b: number): boolean => {
    const da = sign * (distances[a] as number);
    const db = sign * (distances[b] as number);
    return da > db || (da === db && a > b);
  };
  const siftUp = (start: number): void => {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i] as number, heap[parent] as number)) break;
      [heap[i], heap[parent]] = [heap[parent] as number, heap[i] as number];
      i = parent;
    }
  };
  const siftDown = (): void => {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && worse(heap[l] as number, heap[top] as number)) top = l;
      if (r < heap.length && worse(heap[r] as number, heap[top] as number)) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top] as number, heap[i] as number];
      i = top;
    }
  };
  for (let i = 0; i < distances.length; i++) {
    if (accept !== undefined && !accept(i)) continue;
    if (Number.isNaN(distances[i])) continue;
    if (heap.length < limit) {
      heap.push(i);
      siftUp(heap.length - 1);
    } else if (worse(heap[0] as number, i)) {
      heap[0] = i;
      siftDown();
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}
