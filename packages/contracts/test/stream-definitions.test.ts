import { describe, expect, it } from '@jest/globals';
import { EVENT_RETENTION_MS, streamConfig } from '../src/events.ts';
import { MEDIA_JOBS_STREAM, MEDIA_STREAM } from '../src/media-events.ts';
import { POSTS_STREAM } from '../src/post-events.ts';
import { USERS_STREAM } from '../src/user-events.ts';

describe('stream definitions', () => {
  it('carry their settings, so every service provisions a stream identically', () => {
    expect(streamConfig(POSTS_STREAM)).toEqual({
      name: 'POSTS',
      subjects: ['post.>'],
      retention: 'limits',
      maxAgeMs: EVENT_RETENTION_MS,
    });
    expect(streamConfig(USERS_STREAM).maxAgeMs).toBe(EVENT_RETENTION_MS);
    expect(streamConfig(MEDIA_STREAM).maxAgeMs).toBe(EVENT_RETENTION_MS);
    expect(streamConfig(MEDIA_JOBS_STREAM)).toEqual({
      name: 'MEDIA_JOBS',
      subjects: ['media_jobs.process'],
      retention: 'workqueue',
    });
  });

  it('keeps the settings under a test name and subject prefix', () => {
    expect(streamConfig(POSTS_STREAM, { name: 'POSTS_T1', subjectPrefix: 't1.' })).toEqual({
      name: 'POSTS_T1',
      subjects: ['t1.post.>'],
      retention: 'limits',
      maxAgeMs: EVENT_RETENTION_MS,
    });
  });
});
