// The two streams the media service provisions at start-up: MEDIA (worker results and outcomes, an
// event log) and MEDIA_JOBS (processing jobs, a work queue). Tests use unique names and a subject
// prefix, so that parallel runs against one NATS server never capture each other's messages
// (JetStream refuses two streams with overlapping subjects).
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

// Seven days of outcomes lets a new consumer replay recent readiness changes.
const EVENTS_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Creates or updates both streams; the same configuration again is a no-op. */
export async function ensureMediaStreams(bus: MessageBus, streams: MediaStreams): Promise<void> {
  await bus.ensureStream({
    name: streams.events,
    subjects: MEDIA_STREAM.subjects.map((subject) => streams.subjectPrefix + subject),
    retention: 'limits',
    maxAgeMs: EVENTS_MAX_AGE_MS,
  });
  // A work queue: a job leaves the stream once one worker acknowledges it, so competing workers
  // never process it twice and the backlog is exactly the work still to do.
  await bus.ensureStream({
    name: streams.jobs,
    subjects: MEDIA_JOBS_STREAM.subjects.map((subject) => streams.subjectPrefix + subject),
    retention: MEDIA_JOBS_STREAM.retention,
  });
}
