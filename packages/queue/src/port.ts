// The Queue / pub-sub port. Services publish domain events and work items through a MessageBus and
// consume them with durable, explicitly acknowledged consumers. Two adapters implement it with the same
// delivery semantics: NATS JetStream (nats-bus.ts) and an in-process broker (in-process-bus.ts).
import type { Event } from '@scalegram/contracts/events';

/**
 * How long a stream keeps a message:
 * - `limits`: until maxAgeMs / maxMsgs push it out (event log; every durable sees every event);
 * - `workqueue`: until one consumer acknowledges it (jobs; one durable per subject);
 * - `interest`: until every consumer that existed when it arrived has acknowledged it.
 */
export type Retention = 'limits' | 'workqueue' | 'interest';

export interface StreamOptions {
  /** Upper-case by convention, one per domain: USERS, POSTS, MEDIA. */
  name: string;
  /** Subjects captured by the stream, NATS syntax with wildcards, e.g. `post.>`. */
  subjects: string[];
  retention: Retention;
  maxAgeMs?: number;
  /** Window in which a repeated msgId is recognised as a duplicate. Default 2 minutes. */
  duplicateWindowMs?: number;
  maxMsgs?: number;
  /** Copies kept by a JetStream cluster; the in-process bus has exactly one. */
  replicas?: number;
}

export interface StreamState {
  name: string;
  /** Messages currently stored (after retention, limits and acknowledgements removed some). */
  messages: number;
  /** Sequence of the last message ever stored. */
  lastSeq: number;
}

export interface PublishOptions {
  /** De-duplication id (`Nats-Msg-Id`). Defaults to the event id. */
  msgId?: string;
}

export interface PublishResult {
  stream: string;
  seq: number;
  /** True when the msgId was already stored within the duplicate window: nothing new was stored. */
  duplicate: boolean;
}

export interface ConsumeOptions {
  stream: string;
  /** Durable consumer name. Every `consume` call with the same durable shares (competes for) its messages. */
  durable: string;
  filterSubjects?: string[];
  /** Without an ack (or `working()`) within this time the message is delivered again. */
  ackWaitMs: number;
  /** Deliveries allowed before the message is given up (and dead-lettered when `deadLetter` is on). */
  maxDeliver: number;
  /** Delay before redelivery after the n-th failed delivery: `backoffMs[n-1]`, else exponential. */
  backoffMs?: number[];
  /** Unacknowledged messages the durable may have outstanding across all its replicas. Default 1000. */
  maxAckPending?: number;
  /** Handlers run at once by this `consume` call. Default 1. */
  concurrency?: number;
  /** Publish messages that fail their last delivery to `dlq.<stream>.<durable>`. Default true. */
  deadLetter?: boolean;
}

export interface Delivery<D = unknown> {
  event: Event<D>;
  subject: string;
  stream: string;
  durable: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  streamSeq: number;
  /** Message headers (first value of each); dead letters carry the `Scalegram-Dlq-*` headers here. */
  headers: Readonly<Record<string, string>>;
}

/** What a handler may do besides returning (ack) or throwing (nak with back-off). */
export interface DeliveryControl {
  /** Never deliver this message again (poison message); dead-lettered when `deadLetter` is on. */
  term(reason: string): void;
  /** Redeliver after `delayMs` without counting as a failure of the handler. */
  nak(delayMs?: number): void;
  /** Still working: restarts the ack-wait clock so a long handler is not redelivered elsewhere. */
  working(): void;
}

export type Handler<D = unknown> = (delivery: Delivery<D>, control: DeliveryControl) => Promise<void> | void;

export interface Consumer {
  /** Stops pulling, lets in-flight handlers finish (and ack), then resolves. */
  stop(): Promise<void>;
}

export type TransientHandler<D = unknown> = (data: D, subject: string) => void;

export interface TransientSubscription {
  unsubscribe(): void;
}

export interface MessageBus {
  /** Creates the stream or updates it to this configuration; the same configuration twice is a no-op. */
  ensureStream(options: StreamOptions): Promise<void>;
  /** What the stream holds now: backlog for metrics and health checks. NotFoundError if it does not exist. */
  streamState(name: string): Promise<StreamState>;
  /** Stores the event (JSON) in the stream capturing `subject`. Throws UnavailableError when it cannot. */
  publish(subject: string, event: Event, options?: PublishOptions): Promise<PublishResult>;
  consume<D = unknown>(options: ConsumeOptions, handler: Handler<D>): Promise<Consumer>;
  /** Fire-and-forget fan-out to live subscribers; nothing is stored. */
  publishTransient(subject: string, data: unknown): Promise<void>;
  /** Subscribes to a subject or wildcard pattern (`*` one token, `>` the rest); active when it resolves. */
  subscribeTransient<D = unknown>(subject: string, handler: TransientHandler<D>): Promise<TransientSubscription>;
  /** Drains consumers and the connection and releases every timer. */
  close(): Promise<void>;
}

/** Where the bus reports failures it cannot throw to a caller (a consumer loop, a transient handler). */
export interface BusLogger {
  warn(details: Record<string, unknown>, message: string): void;
}
