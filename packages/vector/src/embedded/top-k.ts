// Keeps the k best (highest-score) candidates seen so far in a binary min-heap: the root is the worst
// of the kept ones, so a new candidate is compared with one number and most are rejected at once.
// Selecting k of n costs O(n log k) instead of sorting all n scores.

export interface Candidate {
  slot: number;
  score: number;
}

export class TopK {
  readonly #k: number;
  readonly #heap: Candidate[] = [];

  constructor(k: number) {
    this.#k = k;
  }

  /** The lowest score a candidate must beat to be kept (−Infinity while the heap is not full). */
  get threshold(): number {
    return this.#heap.length < this.#k ? Number.NEGATIVE_INFINITY : this.#heap[0]!.score;
  }

  offer(slot: number, score: number): void {
    const heap = this.#heap;
    if (heap.length < this.#k) {
      heap.push({ slot, score });
      this.#siftUp(heap.length - 1);
    } else if (score > heap[0]!.score) {
      heap[0] = { slot, score };
      this.#siftDown(0);
    }
  }

  /** The kept candidates, best first. */
  sorted(): Candidate[] {
    return [...this.#heap].sort((a, b) => b.score - a.score);
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.score <= heap[i]!.score) return;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && heap[left]!.score < heap[smallest]!.score) smallest = left;
      if (right < heap.length && heap[right]!.score < heap[smallest]!.score) smallest = right;
      if (smallest === i) return;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
  }
}
