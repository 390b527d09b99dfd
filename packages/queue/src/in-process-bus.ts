// The embedded MessageBus: an in-process broker with JetStream's delivery semantics (streams, duplicate
// window, durable consumers with ack wait, nak with delay, term, max deliveries, competing consumers,
// retention policies) so that a laptop run behaves like production, only without the network. With a
// `dataDir` it journals to an append-only file and keeps its streams, consumers and unacknowledged
// messages across restarts. The contract suite runs against it and against NATS unchanged.
import { NotFoundError, UnavailableError } from '@scalegram/contracts/errors';
import type { Event } from '@scalegram/contracts/events';
import { DEAD_LETTER_MAX_AGE_MS, DEAD_LETTER_STREAM, DEAD_LETTER_SUBJECTS, type DeadLetter } from './dead-letter.ts';
import {
  brokerMaxDeliver,
  type DispatchContext,
  dispatch,
  type RawDelivery,
  validateConsumeOptions,
} from './dispatch.ts';
import { InProcessBroker } from './in-process-broker.ts';
import type {
  BusLogger,
  ConsumeOptions,
  Consumer,
  Handler,
  MessageBus,
  PublishOptions,
  TransientHandler,
  TransientSubscription,
} from './port.ts';
import { subjectMatches } from './subject-match.ts';

export interface InProcessBusOptions {
  /** Directory for the journal (`bus.jsonl`); without it everything lives in memory only. */
  dataDir?: string;
  logger?: BusLogger;
}

const consoleLogger: BusLogger = { warn: (details, message) => console.warn(message, details) };

export async function createInProcessBus(options: InProcessBusOptions = {}): Promise<MessageBus> {
  const logger = options.logger ?? consoleLogger;
  const broker = await InProcessBroker.open(options.dataDir, logger);
  const transient = new Set<{ pattern: string; handler: TransientHandler<unknown> }>();
  const active = new Set<Consumer>();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new UnavailableError('the in-process bus is closed', { code: 'bus-closed' });
  }

  async function publishDeadLetter(letter: DeadLetter): Promise<void> {
    await broker.append(letter.subject, letter.data, letter.headers, letter.msgId);
  }

  return {
    async ensureStream(config) {
      assertOpen();
      await broker.ensureStream(config);
    },

    async streamState(name) {
      const stream = broker.streams.get(name);
      if (!stream) throw new NotFoundError(`stream ${name} does not exist`, { code: 'stream-not-found' });
      return { name, messages: stream.size(), lastSeq: stream.lastSeq };
    },

    async publish(subject: string, event: Event, publishOptions: PublishOptions = {}) {
      assertOpen();
      return broker.append(subject, JSON.stringify(event), {}, publishOptions.msgId ?? event.id);
    },

    async consume<D>(consumeOptions: ConsumeOptions, handler: Handler<D>): Promise<Consumer> {
      assertOpen();
      validateConsumeOptions(consumeOptions);
      const stream = broker.streams.get(consumeOptions.stream);
      if (!stream) throw new UnavailableError(`stream ${consumeOptions.stream} does not exist`, { code: 'no-stream' });
      if (consumeOptions.deadLetter !== false) {
        await broker.ensureStream({
          name: DEAD_LETTER_STREAM,
          subjects: DEAD_LETTER_SUBJECTS,
          retention: 'limits',
          maxAgeMs: DEAD_LETTER_MAX_AGE_MS,
        });
      }
      const durable = broker.durable(stream, consumeOptions.durable, {
        filterSubjects: consumeOptions.filterSubjects ?? [],
        ackWaitMs: consumeOptions.ackWaitMs,
        maxDeliver: brokerMaxDeliver(consumeOptions),
        maxAckPending: consumeOptions.maxAckPending ?? 1000,
      });

      const ctx: DispatchContext = {
        options: consumeOptions,
        handler: handler as Handler<unknown>,
        publishDeadLetter,
        logger,
      };
      const running = new Set<Promise<void>>();
      const puller = {
        capacity: consumeOptions.concurrency ?? 1,
        inFlight: 0,
        deliver: (raw: RawDelivery) => {
          const run = dispatch(raw, ctx).finally(() => running.delete(run));
          running.add(run);
          return run;
        },
      };
      durable.attach(puller);
      const consumer: Consumer = {
        async stop() {
          durable.detach(puller);
          await Promise.allSettled([...running]);
          active.delete(consumer);
        },
      };
      active.add(consumer);
      return consumer;
    },

    async publishTransient(subject, data) {
      assertOpen();
      const payload = JSON.stringify(data);
      for (const subscription of transient) {
        if (!subjectMatches(subscription.pattern, subject)) continue;
        // Delivered asynchronously and decoded per subscriber, as over a socket: no shared object, no
        // subscriber running inside the publisher's call stack.
        setImmediate(() => {
          if (!transient.has(subscription)) return;
          try {
            subscription.handler(JSON.parse(payload), subject);
          } catch (err) {
            logger.warn({ subject, err: String(err) }, 'transient subscriber failed');
          }
        });
      }
    },

    async subscribeTransient<D>(subject: string, handler: TransientHandler<D>): Promise<TransientSubscription> {
      assertOpen();
      const subscription = { pattern: subject, handler: handler as TransientHandler<unknown> };
      transient.add(subscription);
      return { unsubscribe: () => transient.delete(subscription) };
    },

    async close() {
      if (closed) return;
      await Promise.all([...active].map((c) => c.stop()));
      closed = true;
      transient.clear();
      await broker.close();
    },
  };
}
