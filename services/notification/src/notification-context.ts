// What the routes work with: the service's database, the live hub, the open streams and their settings.
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { LiveHub } from './live/live-hub.ts';
import type { SseStream } from './live/sse-stream.ts';
import type { NotificationDatabase } from './store/schema.ts';

export interface NotificationContext {
  database: RelationalDatabase<NotificationDatabase>;
  hub: LiveHub;
  /** Verifies a token passed in the stream's query (EventSource cannot send headers). */
  userVerifier: AccessTokenVerifier;
  /** Every stream open on this replica, ended on shutdown. */
  streams: Set<SseStream>;
  /** Open streams per user on this replica, and how many one user may have. */
  streamsPerUser: Map<string, number>;
  maxStreamsPerUser: number;
  heartbeatMs: number;
  retryMs: number;
}
