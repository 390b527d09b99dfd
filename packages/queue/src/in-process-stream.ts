// One stream of the in-process broker: an ordered message log with JetStream's sequence numbers,
// duplicate window, limits (age, count) and retention policies. Consumers live on it, as on a server.
import { ConflictError } from '@scalegram/contracts/errors';
import type { InProcessConsumer } from './in-process-consumer.ts';
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

/** JetStream's default duplicate window. */
const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

export class InProcessStream {
  config: StreamOptions;
  lastSeq = 0;
  readonly consumers = new Map<string, InProcessConsumer>();
  // Map iteration order is insertion order, which is sequence order for messages and time order for ids.
  readonly #messages = new Map<number, StoredMessage>();
  readonly #recentIds = new Map<string, { seq: number; at: number }>();

  constructor(config: StreamOptions) {
    this.config = { ...config };
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

  stored(): IterableIterator<StoredMessage> {
    return this.#messages.values();
  }

  get(seq: number): StoredMessage | undefined {
    const message = this.#messages.get(seq);
    if (message && this.#expired(message, Date.now())) {
      this.#messages.delete(seq);
      return undefined;
    }
    return message;
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
    if (retention === 'workqueue') this.#messages.delete(seq);
    if (retention === 'interest') {
      const everyoneDone = [...this.consumers.values()].every((c) => !c.wants(message.subject) || c.isSettled(seq));
      if (everyoneDone) this.#messages.delete(seq);
    }
  }

  #expired(message: StoredMessage, now: number): boolean {
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
      this.#messages.delete(message.seq);
    }
  }
}
