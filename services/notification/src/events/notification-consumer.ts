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
import { applyNotificationEvents, type BatchItem } from '../store/notification-batch-commands.ts';
import {
  type ApplyResult,
  applyNotificationEvent,
  deletePostNotifications,
  forgetUser,
} from '../store/notification-commands.ts';
import type { NotificationDatabase } from '../store/schema.ts';
import { type BatchOutcome, createEventBatcher } from './event-batcher.ts';

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
  return announce(deps, result);
}

async function announce(deps: NotificationEventDeps, result: ApplyResult): Promise<Outcome> {
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

/**
 * Applies events in order with the outcome each would have alone: the notifications of consecutive
 * follow, like, comment and mention events in one transaction (notification-batch-commands.ts), the
 * rest (registrations, deletions) one by one where they stand. Each event's outcome or error is its own.
 */
export async function processNotificationEvents(
  deps: NotificationEventDeps,
  events: readonly Event[],
): Promise<BatchOutcome<Outcome>[]> {
  const outcomes: BatchOutcome<Outcome>[] = new Array(events.length);
  let run: { index: number; item: BatchItem }[] = [];
  const flush = async () => {
    if (run.length === 0) return;
    const pending = run;
    run = [];
    let results: ApplyResult[];
    try {
      results = await applyNotificationEvents(
        deps.database,
        pending.map((entry) => entry.item),
        { followWindowMs: deps.followWindowMs },
      );
    } catch {
      // The batch failed as a whole: one at a time, so that only the event at fault fails.
      for (const { index } of pending)
        outcomes[index] = await settle(() => processNotificationEvent(deps, events[index] as Event));
      return;
    }
    for (const [position, { index }] of pending.entries()) {
      outcomes[index] = await settle(() => announce(deps, results[position] as ApplyResult));
    }
  };
  for (const [index, event] of events.entries()) {
    if (!INTENT_EVENTS.has(event.type)) {
      await flush();
      outcomes[index] = await settle(() => processNotificationEvent(deps, event));
      continue;
    }
    const prepared = await settle(() => intentsOf(deps, event));
    if (!prepared.ok) outcomes[index] = prepared;
    else if (typeof prepared.value === 'string') outcomes[index] = { ok: true, value: prepared.value };
    else run.push({ index, item: { eventId: event.id, intents: prepared.value } });
  }
  await flush();
  return outcomes;
}

const INTENT_EVENTS = new Set<string>([
  UserEventType.followed,
  PostEventType.liked,
  PostEventType.commented,
  PostEventType.created,
  PostEventType.updated,
]);

async function settle<R>(run: () => Promise<R>): Promise<BatchOutcome<R>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** An event's intents, or the outcome it has without any ('ignored', 'retry-later'). */
async function intentsOf(
  deps: NotificationEventDeps,
  event: Event,
): Promise<ReturnType<typeof intentsFor> | 'ignored' | 'retry-later'> {
  const mentions = mentionsOf(event);
  const users = await resolveUsernames(deps.database, mentions);
  if (users.size < mentions.length && Date.now() - Date.parse(event.time) < deps.mentionGraceMs) return 'retry-later';
  const intents = intentsFor(event, users);
  return intents.length === 0 ? 'ignored' : intents;
}

export interface NotificationConsumerOptions extends NotificationEventDeps {
  bus: MessageBus;
  streams: { users: string; posts: string; subjectPrefix: string };
  durables: { users: string; posts: string };
  /** Events handled at once per stream by this replica (default 1); those in flight together form a batch. */
  concurrency?: number;
  /** Most events applied in one transaction (default 200). */
  maxBatch?: number;
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

  // The events handed to this replica's handlers at once are applied together (one transaction).
  const batched = createEventBatcher<Event, Outcome>(
    (events) => processNotificationEvents(options, events),
    options.maxBatch ?? 200,
  );
  const handle = async (event: Event, control: DeliveryControl) => {
    // A thrown error (database down, bus down) naks with back-off; returning acks.
    const outcome = await batched(event);
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
