// Large fan-outs are split into jobs of FEED_FANOUT_BATCH_SIZE timelines on a work-queue stream that
// every worker replica competes for, so one post with many followers is written by all replicas at once
// and never holds up the POSTS consumer behind it. A job names its targets explicitly: applying it twice
// writes the same members again (idempotent), and its msgId (event id + batch index) lets JetStream drop
// the copy a redelivered post.created would publish.
import { createEvent, type StreamDefinition, streamConfig } from '@scalegram/contracts/events';
import type { Consumer } from '@scalegram/queue/port';
import { keys } from '../store/feed-keys.ts';
import { applyToTimelines, type EntryChange } from '../store/timeline-writes.ts';
import type { FeedWorkerContext } from './feed-context.ts';

export const FEED_FANOUT_STREAM = {
  name: 'FEED_FANOUT',
  subjects: ['feed.fanout'],
  retention: 'workqueue',
  maxAgeMs: 24 * 60 * 60 * 1000,
} as const satisfies StreamDefinition;
export const FEED_EVENT_SOURCE = '/services/feed';

export interface FanOutJob {
  postId: string;
  change: EntryChange;
  targets: string[];
}

export async function ensureFanOutStream(context: FeedWorkerContext): Promise<void> {
  await context.bus.ensureStream(streamConfig(FEED_FANOUT_STREAM, context.jobs));
}

export async function publishFanOutJob(context: FeedWorkerContext, job: FanOutJob, jobId: string): Promise<void> {
  const subject = `${context.jobs.subjectPrefix}${FEED_FANOUT_STREAM.subjects[0]}`;
  const event = createEvent({
    id: jobId,
    type: 'feed.fanout',
    source: FEED_EVENT_SOURCE,
    subject: job.postId,
    data: job,
  });
  await context.bus.publish(subject, event);
}

/** Applies one batch, unless the post was deleted meanwhile (an add must not bring it back). */
export async function runFanOutBatch(context: FeedWorkerContext, job: FanOutJob): Promise<void> {
  if (job.change.op === 'add' && (await context.kv.get(keys.deleted(job.postId))) !== null) return;
  const result = await applyToTimelines(context.kv, job.targets, job.change, context.limits);
  context.onBatch?.({ postId: job.postId, op: job.change.op, written: result.written, targets: job.targets.length });
}

export async function startFanOutJobConsumer(
  context: FeedWorkerContext,
  options: { durable: string; concurrency: number },
): Promise<Consumer> {
  return context.bus.consume<FanOutJob>(
    {
      stream: context.jobs.name,
      durable: options.durable,
      ackWaitMs: 30_000,
      maxDeliver: 10,
      backoffMs: [500, 2_000, 10_000],
      concurrency: options.concurrency,
    },
    async (delivery) => {
      await runFanOutBatch(context, delivery.event.data);
    },
  );
}
