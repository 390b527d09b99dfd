// What the fan-out worker's handlers work with: the store, the bus (for fan-out jobs) and the settings.
import type { KeyValueStore } from '@scalegram/kv/port';
import type { MessageBus } from '@scalegram/queue/port';
import type { TimelineLimits } from '../store/timeline-writes.ts';

export interface StreamPlacement {
  name: string;
  subjectPrefix: string;
}

export interface FeedWorkerContext {
  kv: KeyValueStore;
  bus: MessageBus;
  limits: TimelineLimits;
  celebrityThreshold: number;
  recentPerAuthor: number;
  batchSize: number;
  jobs: StreamPlacement;
  /** Called after each batch of timelines is written (metrics, the benchmark). */
  onBatch?: (batch: { postId: string; op: 'add' | 'remove'; written: number; targets: number }) => void;
}
