// Where the worker reads jobs and writes results. Production uses the contracts' names; tests on a
// shared NATS give each run its own stream names and a subject prefix, because JetStream refuses two
// streams whose subjects overlap.
import { streamConfig } from '@scalegram/contracts/events';
import { MEDIA_JOB_SUBJECT, MEDIA_JOBS_STREAM, MEDIA_STREAM, MediaEventType } from '@scalegram/contracts/media-events';
import type { StreamOptions } from '@scalegram/queue/port';

export interface MediaStreams {
  /** Work queue of jobs (MEDIA_JOBS). */
  jobsStream: string;
  /** The stream that captures the results (MEDIA); owned and provisioned by the media service. */
  eventsStream: string;
  /** Prepended to every subject ('' in production). */
  subjectPrefix: string;
}

export const PRODUCTION_MEDIA_STREAMS: MediaStreams = {
  jobsStream: MEDIA_JOBS_STREAM.name,
  eventsStream: MEDIA_STREAM.name,
  subjectPrefix: '',
};

export function jobSubject(streams: MediaStreams): string {
  return streams.subjectPrefix + MEDIA_JOB_SUBJECT;
}

export function resultSubject(streams: MediaStreams, type: 'processed' | 'processingFailed'): string {
  return streams.subjectPrefix + MediaEventType[type];
}

/** MEDIA_JOBS exactly as the contracts define it; the media service provisions the same configuration. */
export function jobsStreamOptions(streams: MediaStreams): StreamOptions {
  return streamConfig(MEDIA_JOBS_STREAM, { name: streams.jobsStream, subjectPrefix: streams.subjectPrefix });
}

/** MEDIA as the contracts define it (tests provision it in the media service's place). */
export function eventsStreamOptions(streams: MediaStreams): StreamOptions {
  return streamConfig(MEDIA_STREAM, { name: streams.eventsStream, subjectPrefix: streams.subjectPrefix });
}
