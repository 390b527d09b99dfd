// Client-side delivery policy shared by both adapters: decode the envelope, run the handler, then ack,
// nak with back-off, term, or dead-letter. Both brokers (JetStream and the in-process one) only provide
// the primitive ack / nak(delay) / term / working operations, so everything the services rely on above
// those primitives is written once, here, and behaves identically on both.
import type { Event } from '@scalegram/contracts/events';
import { redeliveryDelayMs } from './backoff.ts';
import { buildDeadLetter, type DeadLetter } from './dead-letter.ts';
import type { BusLogger, ConsumeOptions, DeliveryControl, Handler } from './port.ts';

/** One delivery as the broker hands it over, before decoding. */
export interface RawDelivery {
  subject: string;
  stream: string;
  streamSeq: number;
  deliveryCount: number;
  data: string;
  headers: Record<string, string>;
  ack(): void;
  nak(delayMs?: number): void;
  term(reason: string): void;
  working(): void;
}

export interface DispatchContext {
  options: ConsumeOptions;
  handler: Handler<unknown>;
  publishDeadLetter(letter: DeadLetter): Promise<void>;
  logger: BusLogger;
}

/** When the dead-letter publish itself fails, try again after this long (on the spare delivery). */
const DEAD_LETTER_RETRY_MS = 1_000;

/**
 * Deliveries the broker is told to allow. With dead-lettering on, one more than the handler gets: if the
 * process dies during the last attempt, or the dead-letter publish fails, the spare delivery comes back
 * and is dead-lettered without running the handler again, so no failing message silently disappears.
 */
export function brokerMaxDeliver(options: ConsumeOptions): number {
  return options.deadLetter === false ? options.maxDeliver : options.maxDeliver + 1;
}

/** Options under which a consumer could never deliver anything are refused up front, not left to hang. */
export function validateConsumeOptions(options: ConsumeOptions): void {
  const positive = { ackWaitMs: options.ackWaitMs, maxDeliver: options.maxDeliver };
  const optional = { maxAckPending: options.maxAckPending, concurrency: options.concurrency };
  for (const [name, value] of Object.entries({ ...positive, ...optional })) {
    if (value === undefined && name in optional) continue;
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new RangeError(`consume: ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (options.backoffMs?.some((ms) => !Number.isFinite(ms) || ms < 0)) {
    throw new RangeError('consume: backoffMs must hold non-negative numbers');
  }
}

export async function dispatch(raw: RawDelivery, ctx: DispatchContext): Promise<void> {
  const { options } = ctx;
  if (raw.deliveryCount > options.maxDeliver) {
    await giveUp(raw, ctx, 'no ack after the last allowed delivery');
    return;
  }
  let event: Event;
  try {
    event = JSON.parse(raw.data) as Event;
  } catch (err) {
    await giveUp(raw, ctx, `payload is not JSON: ${errorMessage(err)}`);
    return;
  }

  // The handler states its intent through the control object; it is applied once the handler returns,
  // so a handler cannot ack and term the same message, and a term can be dead-lettered asynchronously.
  let intent: { kind: 'term'; reason: string } | { kind: 'nak'; delayMs: number } | undefined;
  const control: DeliveryControl = {
    term: (reason) => {
      intent ??= { kind: 'term', reason };
    },
    nak: (delayMs = 0) => {
      intent ??= { kind: 'nak', delayMs };
    },
    working: () => raw.working(),
  };
  const delivery = {
    event,
    subject: raw.subject,
    stream: raw.stream,
    durable: options.durable,
    deliveryCount: raw.deliveryCount,
    streamSeq: raw.streamSeq,
    headers: raw.headers,
  };

  try {
    await ctx.handler(delivery, control);
  } catch (err) {
    if (intent?.kind === 'term') return giveUp(raw, ctx, intent.reason);
    if (raw.deliveryCount >= options.maxDeliver) return giveUp(raw, ctx, errorMessage(err));
    raw.nak(redeliveryDelayMs(raw.deliveryCount, options.backoffMs));
    return;
  }
  if (intent?.kind === 'term') return giveUp(raw, ctx, intent.reason);
  if (intent?.kind === 'nak') return raw.nak(intent.delayMs);
  raw.ack();
}

/** The message will not be handled: dead-letter it (when enabled), then terminate it on the broker. */
async function giveUp(raw: RawDelivery, ctx: DispatchContext, reason: string): Promise<void> {
  if (ctx.options.deadLetter !== false) {
    const letter = buildDeadLetter(
      { ...raw, durable: ctx.options.durable, deliveryCount: Math.min(raw.deliveryCount, ctx.options.maxDeliver) },
      reason,
    );
    try {
      await ctx.publishDeadLetter(letter);
    } catch (err) {
      ctx.logger.warn(
        { stream: raw.stream, durable: ctx.options.durable, streamSeq: raw.streamSeq, err: errorMessage(err) },
        'dead-letter publish failed; leaving the message for its spare delivery',
      );
      raw.nak(DEAD_LETTER_RETRY_MS);
      return;
    }
  }
  raw.term(reason);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
