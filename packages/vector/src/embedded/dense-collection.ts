// One collection of the embedded index, stored densely: every unit-length vector is a row of one
// contiguous Float32Array, so a brute-force scan walks memory linearly (cache- and JIT-friendly) instead
// of chasing one small array per point. Deletion moves the last row into the hole (swap-remove), so
// rows stay packed and no tombstones need compacting.

export class DenseCollection {
  readonly dimension: number;
  #matrix: Float32Array;
  #ids: string[] = [];
  #payloads: Record<string, unknown>[] = [];
  readonly #slotOf = new Map<string, number>();

  constructor(dimension: number, capacity = 64) {
    this.dimension = dimension;
    this.#matrix = new Float32Array(dimension * capacity);
  }

  get size(): number {
    return this.#ids.length;
  }

  /** The packed rows; row `slot` starts at `slot * dimension`. Valid until the next write. */
  get matrix(): Float32Array {
    return this.#matrix;
  }

  slotOf(id: string): number | undefined {
    return this.#slotOf.get(id);
  }

  idAt(slot: number): string {
    return this.#ids[slot]!;
  }

  payloadAt(slot: number): Record<string, unknown> {
    return this.#payloads[slot]!;
  }

  rowAt(slot: number): Float32Array {
    return this.#matrix.subarray(slot * this.dimension, (slot + 1) * this.dimension);
  }

  /** Stores a unit-length vector of the right dimension (the caller checks both). */
  put(id: string, unitVector: Float32Array, payload: Record<string, unknown>): void {
    let slot = this.#slotOf.get(id);
    if (slot === undefined) {
      slot = this.#ids.length;
      this.#grow(slot + 1);
      this.#ids.push(id);
      this.#payloads.push(payload);
      this.#slotOf.set(id, slot);
    } else {
      this.#payloads[slot] = payload;
    }
    this.#matrix.set(unitVector, slot * this.dimension);
  }

  remove(id: string): boolean {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.#ids.length - 1;
    if (slot !== last) {
      const lastId = this.#ids[last]!;
      this.#matrix.copyWithin(slot * this.dimension, last * this.dimension, (last + 1) * this.dimension);
      this.#ids[slot] = lastId;
      this.#payloads[slot] = this.#payloads[last]!;
      this.#slotOf.set(lastId, slot);
    }
    this.#ids.pop();
    this.#payloads.pop();
    this.#slotOf.delete(id);
    return true;
  }

  #grow(rows: number): void {
    if (rows * this.dimension <= this.#matrix.length) return;
    // Doubling keeps appends amortised O(d).
    const next = new Float32Array(Math.max(rows, (this.#matrix.length / this.dimension) * 2) * this.dimension);
    next.set(this.#matrix);
    this.#matrix = next;
  }
}
