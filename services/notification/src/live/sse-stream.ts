// One open Server-Sent Events stream: `id: <seq>`, `event: notification`, `data: <Notification JSON>`.
//
// Ordering and resume rest on the inbox seq (notification-commands.ts): a user's changes are numbered
// 1, 2, 3, ... and commit in that order. The stream remembers the last seq it sent and works through one
// queue: a live message with the next seq is written as it is; anything else (a gap: a message was lost
// or arrived before an earlier one) is read from Postgres as "every change after the last seq sent",
// which also serves `Last-Event-ID` on a reconnect. A seq at or below the last one sent is dropped, which
// is the de-duplication between the replay and the live tail.
import type { ServerResponse } from 'node:http';
import { NOTIFICATION_SSE_EVENT } from '@scalegram/contracts/notifications';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { FastifyBaseLogger } from 'fastify';
import { changesAfter, lastSeq } from '../store/notification-queries.ts';
import type { NotificationChange } from '../store/notification-rows.ts';
import type { NotificationDatabase } from '../store/schema.ts';
import type { LiveHub, LiveMessage } from './live-hub.ts';

const REPLAY_BATCH = 100;
/** A client this far behind on reading is cut off; it resumes from its Last-Event-ID when it returns. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SseStreamOptions {
  database: RelationalDatabase<NotificationDatabase>;
  hub: LiveHub;
  userId: string;
  /** Resume after this seq; absent: only what happens from now on. */
  lastEventId: string | undefined;
  heartbeatMs: number;
  retryMs: number;
  /** The access token's expiry: the stream ends then, and the client reconnects with a fresh token. */
  closeAt: Date;
  response: ServerResponse;
  headers: Record<string, string>;
  /** Called once subscribed, before anything is written: from then on the stream owns the response (Fastify's hijack). */
  onOpen: () => void;
  logger: FastifyBaseLogger;
}

export interface SseStream {
  /** Ends the stream (shutdown), suggesting a reconnection delay spread over [0, retryMs]. */
  end(): void;
  /** Resolves when the stream has ended, for whatever reason. */
  readonly closed: Promise<void>;
}

export async function openSseStream(options: SseStreamOptions): Promise<SseStream> {
  const { response } = options;
  let last = 0n;
  let ended = false;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const write = (frame: string) => {
    if (ended) return;
    response.write(frame);
    if (response.writableLength > MAX_BUFFERED_BYTES) finish();
  };
  const send = (change: NotificationChange) => {
    write(`id: ${change.seq}\nevent: ${NOTIFICATION_SSE_EVENT}\ndata: ${JSON.stringify(change.notification)}\n\n`);
    last = BigInt(change.seq);
  };
  const catchUp = async () => {
    for (;;) {
      const batch = await changesAfter(options.database, options.userId, last.toString(), REPLAY_BATCH);
      for (const change of batch) send(change);
      if (batch.length < REPLAY_BATCH || ended) return;
    }
  };

  // One queue per stream: the start (resume) runs first, then every live message in arrival order.
  let start: () => void = () => undefined;
  let queue: Promise<void> = new Promise<void>((resolve) => {
    start = resolve;
  }).then(async () => {
    if (options.lastEventId !== undefined) await catchUp();
  });
  const enqueue = (task: () => Promise<void> | void) => {
    queue = queue
      .then(async () => {
        if (!ended) await task();
      })
      .catch((error: unknown) => {
        // The database went away mid-stream: end it, the client resumes from its Last-Event-ID elsewhere.
        options.logger.warn({ err: error }, 'notification stream failed; closing it');
        finish();
      });
  };
  const onMessage = (message: LiveMessage) =>
    enqueue(async () => {
      const seq = BigInt(message.seq);
      if (seq <= last) return;
      if (message.notification !== undefined && seq === last + 1n) {
        send({ recipientId: options.userId, seq: message.seq, notification: message.notification });
        return;
      }
      await catchUp();
    });

  // Subscribed before the database is read, so nothing committed in between is missed. Both happen
  // before the response starts: a failure (the bus or the database is down) is still a 503, and "from
  // now on" (no Last-Event-ID) includes everything committed after the client got its 200.
  const unsubscribe = await options.hub.listen(options.userId, onMessage);
  try {
    last = BigInt(options.lastEventId ?? (await lastSeq(options.database, options.userId)));
  } catch (error) {
    unsubscribe();
    throw error;
  }

  const heartbeat = setInterval(() => write(': ping\n\n'), options.heartbeatMs);
  const expiry = setTimeout(
    () => finish(),
    Math.min(MAX_TIMER_MS, Math.max(0, options.closeAt.getTime() - Date.now())),
  );
  function finish() {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    unsubscribe();
    response.end();
    resolveClosed();
  }
  response.on('close', finish);
  // A write racing a reset connection must not become an unhandled 'error'.
  response.on('error', finish);
  // The client may have gone while we subscribed, before 'close' had a listener.
  options.onOpen();
  if (response.destroyed || response.socket?.destroyed !== false) {
    finish();
    return { end: () => undefined, closed };
  }
  response.writeHead(200, {
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx (and the ingress-nginx controller) would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  write(`retry: ${options.retryMs}\n\n`);
  start();

  return {
    end() {
      // Spread the reconnections of every client of a stopping replica over the retry interval.
      write(`retry: ${Math.floor(Math.random() * (options.retryMs + 1))}\n\n`);
      finish();
    },
    closed,
  };
}
