// Post events as the post service's outbox relay publishes them, for feeding the consumer in tests.
import { createEvent, type Event } from '@scalegram/contracts/events';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';

export interface TestPost {
  postId: string;
  authorId: string;
  text: string;
  createdAt?: Date;
}

export function postCreated(post: TestPost, time = post.createdAt ?? new Date()): Event {
  return createEvent({
    type: PostEventType.created,
    source: POST_EVENT_SOURCE,
    subject: post.postId,
    time,
    data: {
      postId: post.postId,
      authorId: post.authorId,
      text: post.text,
      mediaIds: [],
      mentions: [],
      createdAt: (post.createdAt ?? time).toISOString(),
    },
  });
}

export function postUpdated(post: TestPost, time = new Date()): Event {
  return createEvent({
    type: PostEventType.updated,
    source: POST_EVENT_SOURCE,
    subject: post.postId,
    time,
    data: { postId: post.postId, authorId: post.authorId, text: post.text, mentions: [] },
  });
}

export function postDeleted(post: Pick<TestPost, 'postId' | 'authorId'>, time = new Date()): Event {
  return createEvent({
    type: PostEventType.deleted,
    source: POST_EVENT_SOURCE,
    subject: post.postId,
    time,
    data: { postId: post.postId, authorId: post.authorId },
  });
}

/** Polls until `check` passes (its expectations stop throwing) or the timeout ends. */
export async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
