// An in-memory sorted set with Redis's ordering: by score, then by member compared as UTF-8 bytes.
//
// Redis uses a skip list plus a hash table. Here: an array kept sorted plus a Map from member to score.
// Lookups, rank and range queries are binary searches (O(log n) plus the size of the answer); an insert
// or removal also shifts the array (one memmove, O(n)), which for the sizes the services keep (timelines
// are capped at 800) is faster in practice than any pointer-chasing tree in JavaScript.
import type { LexBound, ScoreBound, ScoredMember } from './port.ts';

/**
 * Compares strings by Unicode code point, which is the same order as comparing their UTF-8 bytes (what
 * Redis's memcmp does). JavaScript's `<` compares UTF-16 code units instead, and disagrees for characters
 * above U+FFFF (surrogate pairs, 0xD800–0xDFFF) against U+E000–U+FFFF.
 */
export function compareMembers(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Move surrogates above U+E000–U+FFFF so that code unit order becomes code point order.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function compareEntries(a: ScoredMember, b: ScoredMember): number {
  return a.score === b.score ? compareMembers(a.member, b.member) : a.score < b.score ? -1 : 1;
}

/** Like Redis: negative ranks count from the end, out-of-range ends are clamped; null when empty. */
function clampRanks(length: number, start: number, stop: number): [number, number] | null {
  let from = start < 0 ? length + start : start;
  let to = stop < 0 ? length + stop : stop;
  if (from < 0) from = 0;
  if (to >= length) to = length - 1;
  return from > to || from >= length ? null : [from, to];
}

export class SortedSet {
  readonly #entries: ScoredMember[] = [];
  readonly #scores = new Map<string, number>();

  get size(): number {
    return this.#entries.length;
  }

  score(member: string): number | null {
    return this.#scores.get(member) ?? null;
  }

  /** Adds the member or moves it to its new score; returns true when it was new. */
  add(member: string, rawScore: number): boolean {
    const score = rawScore === 0 ? 0 : rawScore; // Redis has no -0
    const previous = this.#scores.get(member);
    if (previous === score) return false;
    if (previous !== undefined) this.#entries.splice(this.#indexOf(member, previous), 1);
    const entry = { member, score };
    this.#entries.splice(
      this.#lowerBound((e) => compareEntries(e, entry) < 0),
      0,
      entry,
    );
    this.#scores.set(member, score);
    return previous === undefined;
  }

  remove(member: string): boolean {
    const score = this.#scores.get(member);
    if (score === undefined) return false;
    this.#entries.splice(this.#indexOf(member, score), 1);
    this.#scores.delete(member);
    return true;
  }

  rangeByRank(start: number, stop: number, rev: boolean): ScoredMember[] {
    const ranks = clampRanks(this.size, start, stop);
    if (!ranks) return [];
    if (!rev) return this.#copy(ranks[0], ranks[1] + 1);
    // Reverse ranks count from the highest score: reverse rank r is ascending index size-1-r.
    return this.#copy(this.size - 1 - ranks[1], this.size - ranks[0]).reverse();
  }

  rangeByScore(min: ScoreBound, max: ScoreBound, rev: boolean, offset = 0, count = -1): ScoredMember[] {
    const from = this.#lowerBound(typeof min === 'number' ? (e) => e.score < min : (e) => e.score <= min.exclusive);
    const to = this.#lowerBound(typeof max === 'number' ? (e) => e.score <= max : (e) => e.score < max.exclusive);
    return this.#window(from, to, rev, offset, count);
  }

  rangeByLex(min: LexBound, max: LexBound, rev: boolean, offset = 0, count = -1): string[] {
    const from = this.#lexIndex(min, 'min');
    const to = this.#lexIndex(max, 'max');
    return this.#window(from, to, rev, offset, count).map((e) => e.member);
  }

  /** Removes members by rank; returns how many were removed. */
  removeRangeByRank(start: number, stop: number): number {
    const ranks = clampRanks(this.size, start, stop);
    if (!ranks) return 0;
    const removed = this.#entries.splice(ranks[0], ranks[1] - ranks[0] + 1);
    for (const { member } of removed) this.#scores.delete(member);
    return removed.length;
  }

  /** Ascending entries [from, to), windowed by offset/count in the requested direction (copies). */
  #window(from: number, to: number, rev: boolean, offset: number, count: number): ScoredMember[] {
    const available = Math.max(0, to - from - offset);
    const take = count < 0 ? available : Math.min(count, available);
    if (take === 0) return [];
    if (!rev) return this.#copy(from + offset, from + offset + take);
    return this.#copy(to - offset - take, to - offset).reverse();
  }

  #copy(from: number, to: number): ScoredMember[] {
    return this.#entries.slice(from, to).map((e) => ({ member: e.member, score: e.score }));
  }

  /** Index of the first entry past a lex bound's start (for min) or end (for max). */
  #lexIndex(bound: LexBound, side: 'min' | 'max'): number {
    if (bound === '-') return 0;
    if (bound === '+') return this.size;
    const value = bound.slice(1);
    const inclusive = bound.startsWith('[');
    // For min, skip members below the bound; for max, include members up to it.
    const skipEqual = side === 'min' ? !inclusive : inclusive;
    return this.#lowerBound((e) => {
      const c = compareMembers(e.member, value);
      return c < 0 || (c === 0 && skipEqual);
    });
  }

  #indexOf(member: string, score: number): number {
    return this.#lowerBound((e) => compareEntries(e, { member, score }) < 0);
  }

  /** First index whose entry does not satisfy `before` (entries satisfying it must form a prefix). */
  #lowerBound(before: (entry: ScoredMember) => boolean): number {
    let low = 0;
    let high = this.#entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(this.#entries[mid]!)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
