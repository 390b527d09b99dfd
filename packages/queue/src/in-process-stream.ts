// One stream of the in-process broker: an ordered message log with JetStream's sequence numbers,
// duplicate window, limits (age, count) and retention policies. Consumers live on it, as on a server.
import { ConflictError } from '@scalegram/contracts/errors';
import type { InProcessConsumer } from './in-process-consumer.ts';
import type { JournalPosition } from './in-process-journal.ts';
import type { PublishResult, StreamOptions } from './port.ts';
import { matchesAny } from './subject-match.ts';

export interface StoredMessage {
  seq: number;
  subject: string;
  data: string;
  headers: Record<string, string>;
  storedAt: number;
  /** The de-duplication id it was published with. */
  msgId?: string;
}

/**
 * A stored message whose payload is only on disk (in the broker's journal): what the stream needs for its
 * limits and for consumers that skip it stays in memory; the rest is read back by `load` when asked for.
 */
interface OnDisk extends StoredHead {
  onDisk: JournalPosition;
}

/** What every stored message keeps in memory. */
export type StoredHead = Pick<StoredMessage, 'seq' | 'subject' | 'storedAt'>;

type Kept = StoredMessage | OnDisk;

/** JetStream's default duplicate window. */
const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

export class InProcessStream {
  config: StreamOptions;
  lastSeq = 0;
  readonly consumers = new Map<string, InProcessConsumer>();
  // Map iteration order is insertion order, which is sequence order for messages and time order for ids.
  readonly #messages = new Map<number, Kept>();
  readonly #recentIds = new Map<string, { seq: number; at: number }>();
  /** Where messages still held in memory sit in the journal, once written there. */
  readonly #positions = new Map<number, JournalPosition>();
  readonly #load: ((position: JournalPosition, seq: number) => StoredMessage) | undefined;

  /** `load` reads a message back from the journal; without it every payload stays in memory. */
  constructor(config: StreamOptions, load?: (position: JournalPosition, seq: number) => StoredMessage) {
    this.config = { ...config };
    this.#load = load;
  }

  /**
   * `seq` is in the journal at `position`. Once every consumer that wants it has settled it, its payload
   * leaves memory: a stream with `limits` retention keeps messages for days, which in memory would be the
   * whole event history on the JavaScript heap (JetStream keeps them on disk, too).
   */
  persisted(seq: number, position: JournalPosition): void {
    if (this.#load === undefined || !this.#messages.has(seq)) return;
    this.#positions.set(seq, position);
    this.#offloadIfDone(seq);
  }

  update(config: StreamOptions): void {
    if (config.retention !== this.config.retention) {
      throw new ConflictError(`stream ${config.name} exists with retention ${this.config.retention}`, {
        code: 'stream-retention-change',
      });
    }
    this.config = { ...config };
    this.#prune(Date.now());
  }

  captures(subject: string): boolean {
    return matchesAny(this.config.subjects, subject);
  }

  append(
    subject: string,
    data: string,
    headers: Record<string, string>,
    msgId: string | undefined,
    now = Date.now(),
  ): PublishResult {
    this.#prune(now);
    if (msgId !== undefined) {
      const seen = this.#recentIds.get(msgId);
      if (seen) return { stream: this.config.name, seq: seen.seq, duplicate: true };
    }
    const seq = this.lastSeq + 1;
    this.restore({ seq, subject, data, headers, storedAt: now, ...(msgId !== undefined ? { msgId } : {}) });
    for (const consumer of this.consumers.values()) if (consumer.wants(subject)) consumer.pump();
    return { stream: this.config.name, seq, duplicate: false };
  }

  /** Stores a message under its own sequence and time: the tail of `append`, and journal replay. */
  restore(message: StoredMessage): void {
    this.lastSeq = Math.max(this.lastSeq, message.seq);
    if (message.msgId !== undefined) this.#recentIds.set(message.msgId, { seq: message.seq, at: message.storedAt });
    // An interest stream keeps nothing nobody is there to read.
    const interested = [...this.consumers.values()].some((c) => c.wants(message.subject));
    if (this.config.retention !== 'interest' || interested) {
      this.#messages.set(message.seq, message);
      this.#prune(Date.now());
    }
  }

  /** Every stored message, payloads read back from disk where they were dropped from memory. */
  *stored(): Generator<StoredMessage> {
    for (const seq of this.#messages.keys()) {
      const message = this.get(seq);
      if (message) yield message;
    }
  }

  get(seq: number): StoredMessage | undefined {
    const kept = this.#live(seq);
    if (kept === undefined || !('onDisk' in kept)) return kept;
    return (this.#load as (position: JournalPosition, seq: number) => StoredMessage)(kept.onDisk, seq);
  }

  /** Sequence, subject and time of a stored message, without reading a payload from disk. */
  peek(seq: number): StoredHead | undefined {
    return this.#live(seq);
  }

  #live(seq: number): Kept | undefined {
    const kept = this.#messages.get(seq);
    if (kept && this.#expired(kept, Date.now())) {
      this.#remove(seq);
      return undefined;
    }
    return kept;
  }

  firstSeq(): number {
    for (const seq of this.#messages.keys()) return seq;
    return this.lastSeq + 1;
  }

  size(): number {
    this.#prune(Date.now());
    return this.#messages.size;
  }

  /** A consumer acknowledged or terminated `seq`: apply the retention policy. */
  settled(seq: number): void {
    const message = this.#messages.get(seq);
    if (!message) return;
    const { retention } = this.config;
    if (retention === 'workqueue') this.#remove(seq);
    else if (retention === 'interest') {
      if (this.#everyoneDone(message)) this.#remove(seq);
    } else this.#offloadIfDone(seq);
  }

  #everyoneDone(message: Kept): boolean {
    return [...this.consumers.values()].every((c) => !c.wants(message.subject) || c.isSettled(message.seq));
  }

  /** Drops the payload of `seq` from memory when it is on disk and no consumer is still to settle it. */
  #offloadIfDone(seq: number): void {
    const message = this.#messages.get(seq);
    const position = this.#positions.get(seq);
    if (!message || 'onDisk' in message || position === undefined || !this.#everyoneDone(message)) return;
    this.#messages.set(seq, { seq, subject: message.subject, storedAt: message.storedAt, onDisk: position });
    this.#positions.delete(seq);
  }

  #remove(seq: number): void {
    this.#messages.delete(seq);
    this.#positions.delete(seq);
  }

  #expired(message: Kept, now: number): boolean {
    return this.config.maxAgeMs !== undefined && now - message.storedAt > this.config.maxAgeMs;
  }

  #prune(now: number): void {
    const window = this.config.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
    for (const [id, seen] of this.#recentIds) {
      if (now - seen.at <= window) break;
      this.#recentIds.delete(id);
    }
    for (const message of this.#messages.values()) {
      const overCount = this.config.maxMsgs !== undefined && this.#messages.size > this.config.maxMsgs;
      if (!overCount && !this.#expired(message, now)) break;
      this.#remove(message.seq);
    }
  }
}
