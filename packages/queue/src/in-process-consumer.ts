// A durable pull consumer of the in-process broker, modelled on JetStream's: it walks the stream from the
// first message, hands each matching message to one of the attached pullers (competing `consume` calls),
// and tracks every unacknowledged message with an ack-wait timer, delivery count and redelivery queue.
import type { RawDelivery } from './dispatch.ts';
import type { InProcessStream } from './in-process-stream.ts';
import { matchesAny } from './subject-match.ts';

export interface ConsumerSettings {
  filterSubjects: string[];
  ackWaitMs: number;
  /** Broker-side limit (see brokerMaxDeliver). */
  maxDeliver: number;
  maxAckPending: number;
}

/** One `consume` call attached to the durable: it takes up to `capacity` messages at a time. */
export interface Puller {
  capacity: number;
  inFlight: number;
  deliver(raw: RawDelivery): Promise<void>;
}

interface Outstanding {
  deliveries: number;
  state: 'pending' | 'delayed' | 'ready';
  timer?: NodeJS.Timeout | undefined;
}

export class InProcessConsumer {
  settings: ConsumerSettings;
  readonly #stream: InProcessStream;
  readonly #outstanding = new Map<number, Outstanding>();
  #ready: number[] = [];
  #pullers: Puller[] = [];
  #cursor = 1;
  #pending = 0;
  #turn = 0;
  #pumpScheduled = false;
  /** Settled before the cursor reached them: only after a journal replay, where nothing was delivered. */
  readonly #settledAhead = new Set<number>();
  readonly #onSettle: (seq: number) => void;

  constructor(stream: InProcessStream, settings: ConsumerSettings, onSettle: (seq: number) => void = () => {}) {
    this.#stream = stream;
    this.settings = settings;
    this.#onSettle = onSettle;
  }

  wants(subject: string): boolean {
    const { filterSubjects } = this.settings;
    return filterSubjects.length === 0 || matchesAny(filterSubjects, subject);
  }

  /** True when this consumer will never deliver `seq` again (acked, terminated, filtered out). */
  isSettled(seq: number): boolean {
    return (seq < this.#cursor && !this.#outstanding.has(seq)) || this.#settledAhead.has(seq);
  }

  /** Journal replay: `seq` was acknowledged or terminated before the restart. */
  markSettled(seq: number): void {
    if (seq >= this.#cursor) this.#settledAhead.add(seq);
    this.#stream.settled(seq);
  }

  attach(puller: Puller): void {
    this.#pullers.push(puller);
    this.pump();
  }

  detach(puller: Puller): void {
    this.#pullers = this.#pullers.filter((p) => p !== puller);
  }

  /** Deliveries are batched in a microtask so a burst of publishes and acks is handled in one pass. */
  pump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#deliverWhilePossible();
    });
  }

  /** Releases every timer; the consumer delivers nothing afterwards. */
  close(): void {
    for (const entry of this.#outstanding.values()) clearTimeout(entry.timer);
    this.#outstanding.clear();
    this.#pullers = [];
  }

  #deliverWhilePossible(): void {
    while (this.#pending < this.settings.maxAckPending) {
      const puller = this.#freePuller();
      if (!puller) return;
      const seq = this.#nextSeq();
      if (seq === undefined) return;
      this.#deliver(seq, puller);
    }
  }

  /** Round-robin over the pullers with spare capacity, so competing replicas share the work. */
  #freePuller(): Puller | undefined {
    for (let i = 0; i < this.#pullers.length; i++) {
      const puller = this.#pullers[(this.#turn + i) % this.#pullers.length];
      if (puller && puller.inFlight < puller.capacity) {
        this.#turn = (this.#turn + i + 1) % this.#pullers.length;
        return puller;
      }
    }
    return undefined;
  }

  /** Redeliveries first (oldest first), then the next new message matching the filter. */
  #nextSeq(): number | undefined {
    while (this.#ready.length > 0) {
      const seq = this.#ready.shift() as number;
      if (this.#outstanding.get(seq)?.state !== 'ready') continue;
      if (this.#stream.peek(seq)) return seq;
      this.#outstanding.delete(seq); // removed by the stream's limits meanwhile
    }
    this.#cursor = Math.max(this.#cursor, this.#stream.firstSeq());
    for (const seq of this.#settledAhead) if (seq < this.#cursor) this.#settledAhead.delete(seq);
    while (this.#cursor <= this.#stream.lastSeq) {
      const seq = this.#cursor++;
      if (this.#settledAhead.delete(seq)) continue;
      const message = this.#stream.peek(seq); // the subject only: no payload read from disk to skip it
      if (message && this.wants(message.subject)) return seq;
    }
    return undefined;
  }

  #deliver(seq: number, puller: Puller): void {
    const message = this.#stream.get(seq);
    if (!message) return;
    // A new entry starts as 'ready' so that #setPending counts it as one more outstanding delivery.
    const entry: Outstanding = this.#outstanding.get(seq) ?? { deliveries: 0, state: 'ready' };
    entry.deliveries++;
    this.#setPending(seq, entry);
    this.#outstanding.set(seq, entry);
    const delivery = entry.deliveries;
    const current = () => this.#outstanding.get(seq) === entry && entry.deliveries === delivery;

    puller.inFlight++;
    puller
      .deliver({
        subject: message.subject,
        stream: this.#stream.config.name,
        streamSeq: seq,
        deliveryCount: delivery,
        data: message.data,
        headers: { ...message.headers },
        ack: () => this.#settle(seq),
        term: () => this.#settle(seq),
        nak: (delayMs = 0) => {
          if (current() && entry.state === 'pending') this.#retry(seq, entry, delayMs);
        },
        working: () => {
          if (current() && entry.state === 'pending') this.#setPending(seq, entry);
        },
      })
      .finally(() => {
        puller.inFlight--;
        this.pump();
      });
  }

  /** (Re)starts the ack-wait clock; when it runs out the message is redelivered, as after a nak. */
  #setPending(seq: number, entry: Outstanding): void {
    clearTimeout(entry.timer);
    if (entry.state !== 'pending') this.#pending++;
    entry.state = 'pending';
    entry.timer = setTimeout(() => this.#retry(seq, entry, 0), this.settings.ackWaitMs).unref();
  }

  #retry(seq: number, entry: Outstanding, delayMs: number): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.state === 'pending') this.#pending--;
    if (entry.deliveries >= this.settings.maxDeliver) {
      // Out of deliveries: like JetStream, the consumer stops delivering it (the stream keeps it).
      this.#outstanding.delete(seq);
      this.pump();
      return;
    }
    const makeReady = () => {
      entry.state = 'ready';
      entry.timer = undefined;
      this.#ready.push(seq);
      this.#ready.sort((a, b) => a - b);
      this.pump();
    };
    if (delayMs > 0) {
      entry.state = 'delayed';
      entry.timer = setTimeout(makeReady, delayMs).unref();
    } else {
      makeReady();
    }
  }

  /** Acknowledged or terminated (from any delivery of it): done for this durable. */
  #settle(seq: number): void {
    const entry = this.#outstanding.get(seq);
    if (!entry) return;
    clearTimeout(entry.timer);
    if (entry.state === 'pending') this.#pending--;
    this.#outstanding.delete(seq);
    this.#stream.settled(seq);
    this.#onSettle(seq);
    this.pump();
  }
}
