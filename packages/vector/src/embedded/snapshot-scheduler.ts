// Debounced persistence for the embedded index. Writes mark a collection dirty; a timer writes the dirty
// collections' snapshots a moment later, so a burst of upserts (indexing a backlog of posts) costs one
// file write instead of one per call. `flush()` writes now and is what close() awaits.
//
// The snapshot bytes are produced synchronously from memory at the start of a flush, so each file is a
// consistent image of its collection even while new writes arrive; those mark it dirty again and are
// picked up by the next flush. Flushes never overlap, so an older image cannot overwrite a newer one.

export interface SnapshotTarget {
  /** The snapshot bytes of `name`, or undefined if the collection no longer exists. */
  encode(name: string): Buffer | undefined;
  write(name: string, bytes: Buffer): Promise<void>;
  remove(name: string): Promise<void>;
}

export class SnapshotScheduler {
  readonly #target: SnapshotTarget;
  readonly #delayMs: number;
  readonly #dirty = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(target: SnapshotTarget, delayMs: number) {
    this.#target = target;
    this.#delayMs = delayMs;
  }

  markDirty(name: string): void {
    this.#dirty.add(name);
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A failed background write leaves its collection dirty: the next flush (at the latest close())
      // tries again and rejects if it fails again, which is where a caller can act on it.
      this.flush().catch(() => {});
    }, this.#delayMs);
    // Do not hold the process open for a pending snapshot: close() is what guarantees the final write.
    this.#timer.unref();
  }

  /** Writes every dirty collection now; resolves once they are on disk. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const next = this.#running.then(() => this.#writeDirty());
    this.#running = next.catch(() => {});
    return next;
  }

  async #writeDirty(): Promise<void> {
    const names = [...this.#dirty];
    this.#dirty.clear();
    const images = names.map((name) => [name, this.#target.encode(name)] as const);
    const failed: string[] = [];
    const errors: unknown[] = [];
    for (const [name, bytes] of images) {
      try {
        if (bytes === undefined) await this.#target.remove(name);
        else await this.#target.write(name, bytes);
      } catch (error) {
        failed.push(name);
        errors.push(error);
      }
    }
    for (const name of failed) this.#dirty.add(name);
    if (errors.length > 0) throw errors[0];
  }
}
