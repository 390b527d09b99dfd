// Turns USERS and POSTS events into notifications: two durable JetStream consumers (every replica joins
// them and competes for the events), at-least-once delivery made idempotent by processed_events. After an
// event's notifications commit, each change is announced live to the replicas serving its recipient;
// when that announcement fails, the handler throws, the event is redelivered, and the redelivery (which
// finds the event already applied) announces the recipients' latest seq instead.
import { type Event, streamConfig } from '@scalegram/contracts/events';
import { POSTS_STREAM, type PostDeletedData, PostEventType } from '@scalegram/contracts/post-events';
import {
  USERS_STREAM,
  type UserDeletedData,
  UserEventType,
  type UserRegisteredData,
} from '@scalegram/contracts/user-events';
import type { BusLogger, Consumer, DeliveryControl, MessageBus } from '@scalegram/queue/port';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { intentsFor, mentionsOf } from '../domain/notification-intents.ts';
import type { LiveHub } from '../live/live-hub.ts';
import { rememberUser, resolveUsernames } from '../store/known-users.ts';
import { applyNotificationEvent, deletePostNotifications, forgetUser } from '../store/notification-commands.ts';
import type { NotificationDatabase } from '../store/schema.ts';

// Far longer than any redelivery can take (ackWait × maxDeliver with back-off is minutes).
const PROCESSED_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const MENTION_RETRY_MS = 1_000;

export interface NotificationEventDeps {
  database: RelationalDatabase<NotificationDatabase>;
  hub: LiveHub;
  followWindowMs: number;
  /** How long after an event an unknown mentioned username is retried rather than dropped. */
  mentionGraceMs: number;
}

export type Outcome = 'applied' | 'duplicate' | 'ignored' | 'retry-later';

/** Applies one event. 'retry-later': a mentioned username is unknown yet and the event is recent. */
export async function processNotificationEvent(deps: NotificationEventDeps, event: Event): Promise<Outcome> {
  switch (event.type) {
    case UserEventType.registered: {
      const data = event.data as UserRegisteredData;
      await rememberUser(deps.database, data.userId, data.username);
      return 'applied';
    }
    case UserEventType.deleted:
      await forgetUser(deps.database, (event.data as UserDeletedData).userId);
      return 'applied';
    case PostEventType.deleted:
      await deletePostNotifications(deps.database, (event.data as PostDeletedData).postId);
      return 'applied';
  }

  const mentions = mentionsOf(event);
  const users = await resolveUsernames(deps.database, mentions);
  if (users.size < mentions.length && Date.now() - Date.parse(event.time) < deps.mentionGraceMs) {
    // Someone registered a moment ago may be mentioned already: their user.registered travels on
    // another stream, through another consumer, and may not have reached the projection yet.
    return 'retry-later';
  }
  const intents = intentsFor(event, users);
  if (intents.length === 0) return 'ignored';

  const result = await applyNotificationEvent(deps.database, event.id, intents, {
    followWindowMs: deps.followWindowMs,
  });
  if (result.kind === 'applied') {
    await Promise.all(
      result.changes.map((change) =>
        deps.hub.announce(change.recipientId, { seq: change.seq, notification: change.notification }),
      ),
    );
    return 'applied';
  }
  await Promise.all(result.inboxes.map((inbox) => deps.hub.announce(inbox.recipientId, { seq: inbox.lastSeq })));
  return 'duplicate';
}

export interface NotificationConsumerOptions extends NotificationEventDeps {
  bus: MessageBus;
  streams: { users: string; posts: string; subjectPrefix: string };
  durables: { users: string; posts: string };
  /** Events applied at once per stream by this replica (default 1). */
  concurrency?: number;
  logger?: BusLogger;
}

export interface NotificationConsumer {
  stop(): Promise<void>;
}

export async function startNotificationConsumer(options: NotificationConsumerOptions): Promise<NotificationConsumer> {
  const { streams } = options;
  await options.bus.ensureStream(
    streamConfig(USERS_STREAM, { name: streams.users, subjectPrefix: streams.subjectPrefix }),
  );
  await options.bus.ensureStream(
    streamConfig(POSTS_STREAM, { name: streams.posts, subjectPrefix: streams.subjectPrefix }),
  );

  const handle = async (event: Event, control: DeliveryControl) => {
    // A thrown error (database down, bus down) naks with back-off; returning acks.
    const outcome = await processNotificationEvent(options, event);
    if (outcome === 'retry-later') control.nak(MENTION_RETRY_MS);
  };
  const settings = {
    ackWaitMs: 30_000,
    maxDeliver: 10,
    backoffMs: [1_000, 5_000, 30_000],
    concurrency: options.concurrency ?? 1,
  };
  // No filterSubjects: the events this service ignores are cheap to skip, and two filters need NATS 2.10.
  const consumers: Consumer[] = [
    await options.bus.consume(
      { stream: streams.users, durable: options.durables.users, ...settings },
      (delivery, control) => handle(delivery.event, control),
    ),
    await options.bus.consume(
      { stream: streams.posts, durable: options.durables.posts, ...settings },
      (delivery, control) => handle(delivery.event, control),
    ),
  ];

  const sweep = setInterval(() => {
    options.database.db
      .deleteFrom('processed_events')
      .where('processed_at', '<', new Date(Date.now() - PROCESSED_RETENTION_MS))
      .execute()
      .catch((error: unknown) => {
        // Best effort: the next sweep retries; nothing depends on old rows being gone.
        options.logger?.warn({ err: String(error) }, 'processed_events sweep failed');
      });
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    async stop() {
      clearInterval(sweep);
      await Promise.all(consumers.map((consumer) => consumer.stop()));
    },
  };
}
