// Provisions the USERS stream and relays committed outbox rows to it. Run by server.ts (and by the
// embedded runner), not by app.ts, so that building the app does no I/O.
import { streamConfig } from '@scalegram/contracts/events';
import { USERS_STREAM } from '@scalegram/contracts/user-events';
import type { MessageBus } from '@scalegram/queue/port';
import { createOutboxRelay, type OutboxRelay } from '@scalegram/relational/outbox-relay';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { UserDatabase } from '../store/schema.ts';

export interface UserEventStream {
  /** Stream name; USERS in production. */
  name: string;
  /**
   * Prepended to every subject on the bus ('' in production). Tests set a unique one, with a unique
   * stream name, so that parallel runs against one NATS server never capture each other's events
   * (JetStream refuses two streams with overlapping subjects).
   */
  subjectPrefix: string;
}

export const PRODUCTION_USER_EVENT_STREAM: UserEventStream = { name: USERS_STREAM.name, subjectPrefix: '' };

export interface StartUserEventRelayOptions {
  database: RelationalDatabase<UserDatabase>;
  bus: MessageBus;
  stream?: UserEventStream;
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

export async function startUserEventRelay(options: StartUserEventRelayOptions): Promise<OutboxRelay> {
  const stream = options.stream ?? PRODUCTION_USER_EVENT_STREAM;
  await options.bus.ensureStream(streamConfig(USERS_STREAM, stream));
  const relay = createOutboxRelay({
    database: options.database,
    // The bus uses event.id as Nats-Msg-Id, so a republished row (crash after publish) is dropped.
    publish: async (subject, event) => {
      await options.bus.publish(stream.subjectPrefix + subject, event);
    },
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  await relay.start();
  return relay;
}
