// Provisions both media streams and relays committed outbox rows to them. Run by server.ts (and by
// the embedded runner), not by app.ts, so that building the app does no I/O.
import type { MessageBus } from '@scalegram/queue/port';
import { createOutboxRelay, type OutboxRelay } from '@scalegram/relational/outbox-relay';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { MediaDatabase } from '../store/schema.ts';
import { ensureMediaStreams, type MediaStreams, PRODUCTION_MEDIA_STREAMS } from './media-streams.ts';

export interface StartMediaEventRelayOptions {
  database: RelationalDatabase<MediaDatabase>;
  bus: MessageBus;
  streams?: MediaStreams;
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

export async function startMediaEventRelay(options: StartMediaEventRelayOptions): Promise<OutboxRelay> {
  const streams = options.streams ?? PRODUCTION_MEDIA_STREAMS;
  await ensureMediaStreams(options.bus, streams);
  const relay = createOutboxRelay({
    database: options.database,
    // The bus uses event.id as Nats-Msg-Id, so a republished row (crash after publish) is dropped.
    publish: async (subject, event) => {
      await options.bus.publish(streams.subjectPrefix + subject, event);
    },
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  await relay.start();
  return relay;
}
