// Provisions the POSTS stream and runs one outbox relay per physical shard: each shard's outbox holds
// the events of the changes made there, so each needs its own reader. Per-post order holds because a
// post's events all live on its shard. Run by server.ts, not app.ts, so that building the app does no I/O.
import { streamConfig } from '@scalegram/contracts/events';
import { POSTS_STREAM } from '@scalegram/contracts/post-events';
import type { MessageBus } from '@scalegram/queue/port';
import { createOutboxRelay, type OutboxRelay } from '@scalegram/relational/outbox-relay';
import type { ShardRouter } from '@scalegram/relational/shard-router';
import type { PostDatabase } from '../store/schema.ts';

export interface PostEventStream {
  /** Stream name; POSTS in production. */
  name: string;
  /**
   * Prepended to every subject on the bus ('' in production). Tests use a unique one with a unique
   * stream name, so parallel runs against one NATS server never capture each other's events.
   */
  subjectPrefix: string;
}

export const PRODUCTION_POST_EVENT_STREAM: PostEventStream = { name: POSTS_STREAM.name, subjectPrefix: '' };

export interface PostEventRelays {
  stop(): Promise<void>;
}

export interface StartPostEventRelaysOptions {
  router: ShardRouter<PostDatabase>;
  bus: MessageBus;
  stream?: PostEventStream;
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

export async function startPostEventRelays(options: StartPostEventRelaysOptions): Promise<PostEventRelays> {
  const stream = options.stream ?? PRODUCTION_POST_EVENT_STREAM;
  await options.bus.ensureStream(streamConfig(POSTS_STREAM, stream));
  const relays: OutboxRelay[] = options.router.all().map((database) =>
    createOutboxRelay({
      database,
      // The bus uses event.id as Nats-Msg-Id, so a republished row (crash after publish) is dropped.
      publish: async (subject, event) => {
        await options.bus.publish(stream.subjectPrefix + subject, event);
      },
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    }),
  );
  await Promise.all(relays.map((relay) => relay.start()));
  return { stop: async () => void (await Promise.all(relays.map((relay) => relay.stop()))) };
}
