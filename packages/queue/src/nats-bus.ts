// The production MessageBus on NATS JetStream: streams and durable pull consumers for domain events and
// work queues, core NATS subjects for live (transient) pushes. The connection reconnects forever with a
// jittered wait; publishes fail with UnavailableError after a bounded timeout instead of hanging.
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, headers as natsHeaders } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { ConflictError, NotFoundError, UnavailableError } from '@scalegram/contracts/errors';
import {
  DEAD_LETTER_MAX_AGE_MS,
  DEAD_LETTER_STREAM,
  DEAD_LETTER_SUBJECTS,
  type DeadLetter,
  DlqHeaders,
  deadLetterSubject,
} from './dead-letter.ts';
import { validateConsumeOptions } from './dispatch.ts';
import { namespacing, withNamespace } from './namespaced-bus.ts';
import { startNatsConsumer } from './nats-consumer.ts';
import { toBusError } from './nats-errors.ts';
import type { BusLogger, Consumer, MessageBus, StreamOptions } from './port.ts';
import { subjectsOverlap } from './subject-match.ts';

export interface NatsBusOptions {
  servers: string | string[];
  /** Connection name shown by the server's monitoring (service name and replica). */
  name: string;
  /** Longest a publish waits for the stream's acknowledgement. Default 5 s. */
  publishTimeoutMs?: number;
  /** Wait between reconnect attempts, plus up to `reconnectJitterMs` so replicas do not stampede. */
  reconnectTimeWaitMs?: number;
  reconnectJitterMs?: number;
  /**
   * Lifetime of a consumer's pull request. After a reconnect the client re-checks its consumer and, if
   * JetStream is still recovering, retries only after this long, so it bounds how long consumers stay idle
   * once the broker is back. Shorter means more idle pull traffic. Default 5 s.
   */
  pullExpiresMs?: number;
  /**
   * Replicas of every stream this bus provisions when the stream's own options do not say (default 1).
   * A deployment setting, not a contract one: 3 on a three-node JetStream cluster, so that losing a node
   * loses no acknowledged event; 1 on a single server, which refuses more.
   */
  streamReplicas?: number;
  /**
   * Puts every stream, subject and dead letter under this namespace on the server (NAMESPACE, ADR 0040),
   * so several systems share one NATS. Absent: the names are used as given.
   */
  namespace?: string;
  logger?: BusLogger;
}

/** JetStream's "subjects overlap with an existing stream" (the client names no constant for it). */
const STREAM_SUBJECT_OVERLAP = 10065;

const consoleLogger: BusLogger = { warn: (details, message) => console.warn(message, details) };

export async function createNatsBus(options: NatsBusOptions): Promise<MessageBus> {
  const logger = options.logger ?? consoleLogger;
  const names = options.namespace === undefined ? undefined : namespacing(options.namespace);
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const nc = await connect({
    servers: options.servers,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 1_000,
    reconnectJitter: options.reconnectJitterMs ?? 500,
  }).catch((err: unknown) => {
    throw toBusError(err, `connect to ${String(options.servers)}`);
  });
  const jsm = await jetstreamManager(nc, { timeout: publishTimeoutMs });
  const js: JetStreamClient = jsm.jetstream();
  const active = new Set<Consumer>();
  let deadLetterStream: Promise<void> | undefined;

  // Reconnects are silent in the client; a warning per state change is what an operator needs to see.
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') {
        logger.warn({ server: status.server }, `nats ${status.type}`);
      }
    }
  })();

  async function ensureStream(config: StreamOptions): Promise<void> {
    const wanted: Partial<StreamConfig> & { name: string } = {
      name: config.name,
      subjects: config.subjects,
      retention: RetentionPolicy[retentionKey(config.retention)],
      storage: StorageType.File,
      num_replicas: config.replicas ?? options.streamReplicas ?? 1,
      max_age: nanos(config.maxAgeMs ?? 0),
      duplicate_window: nanos(config.duplicateWindowMs ?? 2 * 60 * 1000),
      max_msgs: config.maxMsgs ?? -1,
    };
    try {
      const info = await jsm.streams.info(config.name).catch((err: unknown) => {
        if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return undefined;
        throw err;
      });
      if (!info) await jsm.streams.add(wanted);
      else await jsm.streams.update(config.name, wanted);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === STREAM_SUBJECT_OVERLAP) {
        throw await subjectsTaken(config, err);
      }
      throw toBusError(err, `stream ${config.name}`);
    }
  }

  /**
   * Another stream already captures some of these subjects, and will on every restart: name it and the
   * setting that avoids it, instead of a generic error that a supervisor would restart in a loop.
   */
  async function subjectsTaken(config: StreamOptions, err: JetStreamApiError): Promise<ConflictError> {
    let owner: { name: string; subjects: string[] } | undefined;
    try {
      for await (const info of jsm.streams.list()) {
        const subjects = info.config.subjects ?? [];
        if (info.config.name === config.name) continue;
        if (subjects.some((theirs) => config.subjects.some((ours) => subjectsOverlap(theirs, ours)))) {
          owner = { name: info.config.name, subjects };
          break;
        }
      }
    } catch {
      // The listing is a courtesy; the error below still says what to change.
    }
    const taken = owner ? `NATS stream "${owner.name}" already captures ${owner.subjects.join(', ')}` : err.message;
    return new ConflictError(
      `stream ${config.name} needs subjects ${config.subjects.join(', ')}, but ${taken}: another system or ` +
        `application on this NATS server uses them. Give this system its own namespace (the NAMESPACE setting; ` +
        `npm start -- --namespace <name>)${owner ? ` or delete stream "${owner.name}"` : ''}.`,
      { code: 'stream-subjects-taken', cause: err },
    );
  }

  /** In a namespace, dead letters go to `<ns>.dlq.<stream>.<durable>` and name the service's stream. */
  function placed(letter: DeadLetter): DeadLetter {
    if (names === undefined) return letter;
    const stream = names.streamOf(letter.headers[DlqHeaders.stream] ?? '');
    const durable = letter.headers[DlqHeaders.durable] ?? '';
    return {
      ...letter,
      subject: names.subject(deadLetterSubject(stream, durable)),
      headers: {
        ...letter.headers,
        [DlqHeaders.stream]: stream,
        [DlqHeaders.subject]: names.subjectOf(letter.headers[DlqHeaders.subject] ?? ''),
      },
    };
  }

  async function publishDeadLetter(original: DeadLetter): Promise<void> {
    const letter = placed(original);
    const h = natsHeaders();
    for (const [key, value] of Object.entries(letter.headers)) h.set(key, value);
    await js
      .publish(letter.subject, letter.data, { msgID: letter.msgId, headers: h, timeout: publishTimeoutMs })
      .catch((err: unknown) => {
        throw toBusError(err, 'dead-letter publish');
      });
  }

  const bus: MessageBus = {
    ensureStream,

    async streamState(name) {
      try {
        const info = await jsm.streams.info(name);
        return { name, messages: info.state.messages, lastSeq: info.state.last_seq };
      } catch (err) {
        if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
          throw new NotFoundError(`stream ${name} does not exist`, { code: 'stream-not-found', cause: err });
        }
        throw toBusError(err, `stream ${name}`);
      }
    },

    async publish(subject, event, publishOptions = {}) {
      try {
        const ack = await js.publish(subject, JSON.stringify(event), {
          msgID: publishOptions.msgId ?? event.id,
          timeout: publishTimeoutMs,
        });
        return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
      } catch (err) {
        throw toBusError(err, `publish ${subject}`);
      }
    },

    async consume(consumeOptions, handler) {
      validateConsumeOptions(consumeOptions);
      if (consumeOptions.deadLetter !== false) {
        deadLetterStream ??= ensureStream({
          name: names ? names.stream(DEAD_LETTER_STREAM) : DEAD_LETTER_STREAM,
          subjects: names ? DEAD_LETTER_SUBJECTS.map(names.subject) : DEAD_LETTER_SUBJECTS,
          retention: 'limits',
          maxAgeMs: DEAD_LETTER_MAX_AGE_MS,
        }).catch((err: unknown) => {
          deadLetterStream = undefined; // let the next consume try again
          throw err;
        });
        await deadLetterStream;
      }
      const deps = { nc, js, jsm, logger, publishDeadLetter, pullExpiresMs: options.pullExpiresMs ?? 5_000 };
      const inner = await startNatsConsumer(deps, consumeOptions, handler as Parameters<typeof startNatsConsumer>[2]);
      const consumer: Consumer = {
        async stop() {
          await inner.stop();
          active.delete(consumer);
        },
      };
      active.add(consumer);
      return consumer;
    },

    async publishTransient(subject, data) {
      try {
        nc.publish(subject, JSON.stringify(data));
      } catch (err) {
        throw toBusError(err, `publish ${subject}`);
      }
    },

    async subscribeTransient(subject, handler) {
      const sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return logger.warn({ subject, err: err.message }, 'transient subscription failed');
          try {
            handler(msg.json(), msg.subject);
          } catch (handlerErr) {
            logger.warn({ subject: msg.subject, err: String(handlerErr) }, 'transient subscriber failed');
          }
        },
      });
      // Resolve once the server has the interest registered, so a publish right after is received.
      await nc.flush().catch((err: unknown) => {
        throw toBusError(err, `subscribe ${subject}`);
      });
      return { unsubscribe: () => sub.unsubscribe() };
    },

    async close() {
      if (nc.isClosed()) return;
      await Promise.all([...active].map((c) => c.stop()));
      await nc.drain().catch((err: unknown) => {
        if (!nc.isClosed()) throw new UnavailableError('could not drain the NATS connection', { cause: err });
      });
    },
  };
  return names ? withNamespace(bus, names) : bus;
}

function retentionKey(retention: StreamOptions['retention']): keyof typeof RetentionPolicy {
  if (retention === 'workqueue') return 'Workqueue';
  if (retention === 'interest') return 'Interest';
  return 'Limits';
}
