// The embedded MessageBus: an in-process broker with JetStream's delivery semantics (streams, duplicate
// window, durable consumers with ack wait, nak with delay, term, max deliveries, competing consumers,
// retention policies) so that a laptop run behaves like production, only without the network and without
// surviving a restart. The contract suite runs against it and against NATS unchanged.
import { NotFoundError, UnavailableError } from '@scalegram/contracts/errors';
import type { Event } from '@scalegram/contracts/events';
import { DEAD_LETTER_MAX_AGE_MS, DEAD_LETTER_STREAM, DEAD_LETTER_SUBJECTS, type DeadLetter } from './dead-letter.ts';
import { brokerMaxDeliver, type DispatchContext, dispatch } from './dispatch.ts';
import { InProcessConsumer } from './in-process-consumer.ts';
import { InProcessStream } from './in-process-stream.ts';
import type {
  BusLogger,
  ConsumeOptions,
  Consumer,
  Handler,
  MessageBus,
  PublishOptions,
  PublishResult,
  StreamOptions,
  TransientHandler,
  TransientSubscription,
} from './port.ts';
import { subjectMatches } from './subject-match.ts';

export interface InProcessBusOptions {
  logger?: BusLogger;
}

const consoleLogger: BusLogger = { warn: (details, message) => console.warn(message, details) };

export function createInProcessBus(options: InProcessBusOptions = {}): MessageBus {
  const logger = options.logger ?? consoleLogger;
  const streams = new Map<string, InProcessStream>();
  const transient = new Set<{ pattern: string; handler: TransientHandler<unknown> }>();
  const active = new Set<Consumer>();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new UnavailableError('the in-process bus is closed', { code: 'bus-closed' });
  }

  function ensureStream(config: StreamOptions): void {
    const existing = streams.get(config.name);
    if (existing) existing.update(config);
    else streams.set(config.name, new InProcessStream(config));
  }

  function append(subject: string, data: string, headers: Record<string, string>, msgId?: string): PublishResult {
    assertOpen();
    const stream = [...streams.values()].find((s) => s.captures(subject));
    if (!stream) throw new UnavailableError(`no stream captures subject ${subject}`, { code: 'no-stream' });
    return stream.append(subject, data, headers, msgId);
  }

  async function publishDeadLetter(letter: DeadLetter): Promise<void> {
    append(letter.subject, letter.data, letter.headers, letter.msgId);
  }

  return {
    async ensureStream(config) {
      assertOpen();
      ensureStream(config);
    },

    async streamState(name) {
      const stream = streams.get(name);
      if (!stream) throw new NotFoundError(`stream ${name} does not exist`, { code: 'stream-not-found' });
      return { name, messages: stream.size(), lastSeq: stream.lastSeq };
    },

    async publish(subject: string, event: Event, publishOptions: PublishOptions = {}) {
      return append(subject, JSON.stringify(event), {}, publishOptions.msgId ?? event.id);
    },

    async consume<D>(consumeOptions: ConsumeOptions, handler: Handler<D>): Promise<Consumer> {
      assertOpen();
      const stream = streams.get(consumeOptions.stream);
      if (!stream) throw new UnavailableError(`stream ${consumeOptions.stream} does not exist`, { code: 'no-stream' });
      if (consumeOptions.deadLetter !== false) {
        ensureStream({
          name: DEAD_LETTER_STREAM,
          subjects: DEAD_LETTER_SUBJECTS,
          retention: 'limits',
          maxAgeMs: DEAD_LETTER_MAX_AGE_MS,
        });
      }
      const settings = {
        filterSubjects: consumeOptions.filterSubjects ?? [],
        ackWaitMs: consumeOptions.ackWaitMs,
        maxDeliver: brokerMaxDeliver(consumeOptions),
        maxAckPending: consumeOptions.maxAckPending ?? 1000,
      };
      let durable = stream.consumers.get(consumeOptions.durable);
      if (durable) durable.settings = settings;
      else {
        durable = new InProcessConsumer(stream, settings);
        stream.consumers.set(consumeOptions.durable, durable);
      }

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
        deliver: (raw: Parameters<typeof dispatch>[0]) => {
          const run = dispatch(raw, ctx).finally(() => running.delete(run));
          running.add(run);
          return run;
        },
      };
      const target = durable;
      target.attach(puller);
      const consumer: Consumer = {
        async stop() {
          target.detach(puller);
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
      for (const stream of streams.values()) for (const consumer of stream.consumers.values()) consumer.close();
    },
  };
}
