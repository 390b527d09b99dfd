// The two streams the media service provisions at start-up: MEDIA (worker results and outcomes, an
// event log) and MEDIA_JOBS (processing jobs, a work queue). Tests use unique names and a subject
// prefix, so that parallel runs against one NATS server never capture each other's messages
// (JetStream refuses two streams with overlapping subjects).
import { streamConfig } from '@scalegram/contracts/events';
import { MEDIA_JOBS_STREAM, MEDIA_STREAM } from '@scalegram/contracts/media-events';
import type { MessageBus } from '@scalegram/queue/port';

export interface MediaStreams {
  /** MEDIA in production. */
  events: string;
  /** MEDIA_JOBS in production. */
  jobs: string;
  /** Prepended to every subject on the bus ('' in production). */
  subjectPrefix: string;
}

export const PRODUCTION_MEDIA_STREAMS: MediaStreams = {
  events: MEDIA_STREAM.name,
  jobs: MEDIA_JOBS_STREAM.name,
  subjectPrefix: '',
};

/** Creates or updates both streams; the same configuration again is a no-op. */
export async function ensureMediaStreams(bus: MessageBus, streams: MediaStreams): Promise<void> {
  await bus.ensureStream(streamConfig(MEDIA_STREAM, { name: streams.events, subjectPrefix: streams.subjectPrefix }));
  // A work queue: a job leaves the stream once one worker acknowledges it, so competing workers
  // never process it twice and the backlog is exactly the work still to do.
  await bus.ensureStream(streamConfig(MEDIA_JOBS_STREAM, { name: streams.jobs, subjectPrefix: streams.subjectPrefix }));
}
