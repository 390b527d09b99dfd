// A durable JetStream pull consumer driven by `consume()`: it keeps up to `concurrency` handlers running,
// hands every message to the shared dispatch policy, resumes after reconnects, and drains on stop.
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import type { DeadLetter } from './dead-letter.ts';
import { brokerMaxDeliver, type DispatchContext, dispatch, type RawDelivery } from './dispatch.ts';
import { toBusError } from './nats-errors.ts';
import type { BusLogger, ConsumeOptions, Consumer, Handler } from './port.ts';

export interface NatsConsumerDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  logger: BusLogger;
  /** Lifetime of one pull request; also how long the client backs off before re-checking after a reconnect. */
  pullExpiresMs: number;
  publishDeadLetter(letter: DeadLetter): Promise<void>;
}

/** Pause before re-opening a pull loop that ended unexpectedly (consumer deleted, server restarting). */
const RESTART_DELAY_MS = 1_000;
/** Bound on waiting for the last acks to reach the server when stopping while disconnected. */
const ACK_FLUSH_TIMEOUT_MS = 2_000;

export async function startNatsConsumer(
  deps: NatsConsumerDeps,
  options: ConsumeOptions,
  handler: Handler<unknown>,
): Promise<Consumer> {
  await ensureDurable(deps.jsm, options);
  const consumer = await deps.js.consumers.get(options.stream, options.durable);
  const concurrency = options.concurrency ?? 1;
  const ctx: DispatchContext = { options, handler, publishDeadLetter: deps.publishDeadLetter, logger: deps.logger };
  const running = new Set<Promise<void>>();
  const stopSignal = new AbortController();
  let messages: ConsumerMessages | undefined;

  const loop = (async () => {
    while (!stopSignal.signal.aborted && !deps.nc.isClosed()) {
      try {
        // Pull no more than we can run: a buffered message's ack-wait clock is already ticking.
        messages = await consumer.consume({ max_messages: concurrency, expires: deps.pullExpiresMs });
        if (stopSignal.signal.aborted) void messages.close();
        for await (const m of messages) {
          while (running.size >= concurrency) await Promise.race(running);
          if (stopSignal.signal.aborted) {
            // Pulled but not started: hand it straight back so another replica can take it now.
            m.nak();
            continue;
          }
          const run = dispatch(toRawDelivery(m, options.stream), ctx)
            .catch((err: unknown) => deps.logger.warn({ err: String(err) }, 'message dispatch failed'))
            .finally(() => running.delete(run));
          running.add(run);
        }
      } catch (err) {
        if (!stopSignal.signal.aborted) deps.logger.warn({ err: String(err), ...where(options) }, 'pull loop ended');
      }
      if (!stopSignal.signal.aborted) await sleep(RESTART_DELAY_MS, stopSignal.signal);
    }
  })();

  return {
    async stop() {
      if (stopSignal.signal.aborted) return loop;
      stopSignal.abort();
      void messages?.close();
      await loop;
      await Promise.allSettled([...running]);
      if (!deps.nc.isClosed()) await Promise.race([deps.nc.flush().catch(() => {}), sleep(ACK_FLUSH_TIMEOUT_MS)]);
    },
  };
}

/** Creates the durable, or brings an existing one to the requested settings (no-op when they match). */
async function ensureDurable(jsm: JetStreamManager, options: ConsumeOptions): Promise<void> {
  const filters = options.filterSubjects ?? [];
  const editable: Partial<ConsumerConfig> = {
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: brokerMaxDeliver(options),
    max_ack_pending: options.maxAckPending ?? 1000,
    // A single filter uses the field every server version knows; several need NATS 2.10.
    ...(filters.length === 1 ? { filter_subject: filters[0] } : {}),
    ...(filters.length > 1 ? { filter_subjects: filters } : {}),
  };
  try {
    const info = await jsm.consumers.info(options.stream, options.durable);
    const current = info.config as unknown as Record<string, unknown>;
    const changed = Object.entries(editable).some(
      ([key, value]) => JSON.stringify(current[key]) !== JSON.stringify(value),
    );
    if (changed) await jsm.consumers.update(options.stream, options.durable, editable);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) {
      throw toBusError(err, `consumer ${options.stream}/${options.durable}`);
    }
    await jsm.consumers
      .add(options.stream, {
        ...editable,
        durable_name: options.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      })
      .catch((addErr: unknown) => {
        throw toBusError(addErr, `consumer ${options.stream}/${options.durable}`);
      });
  }
}

function toRawDelivery(m: JsMsg, stream: string): RawDelivery {
  const headers: Record<string, string> = {};
  if (m.headers) for (const key of m.headers.keys()) headers[key] = m.headers.get(key);
  return {
    subject: m.subject,
    stream,
    streamSeq: m.seq,
    deliveryCount: m.info.deliveryCount,
    data: m.string(),
    headers,
    ack: () => m.ack(),
    nak: (delayMs) => m.nak(delayMs),
    // No reason on the wire: servers before 2.10 do not recognise `+TERM <reason>` and ignore the term
    // entirely. The reason is kept where it matters, in the dead letter's headers.
    term: () => m.term(),
    working: () => m.working(),
  };
}

function where(options: ConsumeOptions): Record<string, string> {
  return { stream: options.stream, durable: options.durable };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
