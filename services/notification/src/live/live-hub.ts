// Live notifications between replicas. After a change commits, the replica that applied it publishes a
// transient message on the recipient's own subject (`notify.user.<id>`); a replica subscribes to that
// subject while it serves at least one stream of that user, and hands each message to those streams.
// NATS routes by interest, so a message reaches only the replicas that serve its user (one wildcard
// subscription per replica would send every notification to every replica). Nothing is stored: a
// stream that misses a message notices the gap in the seqs and reads Postgres (sse-stream.ts).
import type { Notification } from '@scalegram/contracts/notifications';
import type { MessageBus, TransientSubscription } from '@scalegram/queue/port';

/** What travels on `notify.user.<id>`: the change's seq, and the notification unless it is a bare "sync". */
export interface LiveMessage {
  seq: string;
  notification?: Notification;
}

export type LiveListener = (message: LiveMessage) => void;

export interface LiveHub {
  /** Tells every replica serving `userId` about a change (or, without a notification, its latest seq). */
  announce(userId: string, message: LiveMessage): Promise<void>;
  /** Calls `listener` with the user's changes until the returned function is called; active on resolve. */
  listen(userId: string, listener: LiveListener): Promise<() => void>;
  /** Users this replica is subscribed for (a gauge). */
  subscribedUsers(): number;
  close(): void;
}

interface UserSubscription {
  listeners: Set<LiveListener>;
  ready: Promise<TransientSubscription>;
}

export function createLiveHub(options: { bus: MessageBus; subjectPrefix: string }): LiveHub {
  const users = new Map<string, UserSubscription>();
  const subject = (userId: string) => `${options.subjectPrefix}${userId}`;

  const release = (userId: string, entry: UserSubscription) => {
    if (entry.listeners.size > 0 || users.get(userId) !== entry) return;
    users.delete(userId);
    entry.ready.then(
      (subscription) => subscription.unsubscribe(),
      () => undefined,
    );
  };

  return {
    async announce(userId, message) {
      await options.bus.publishTransient(subject(userId), message);
    },

    async listen(userId, listener) {
      let entry = users.get(userId);
      if (entry === undefined) {
        const listeners = new Set<LiveListener>();
        const created: UserSubscription = {
          listeners,
          ready: options.bus.subscribeTransient<LiveMessage>(subject(userId), (message) => {
            for (const each of listeners) each(message);
          }),
        };
        entry = created;
        users.set(userId, created);
        // A failed subscription is forgotten, so the next stream of this user tries again.
        created.ready.catch(() => {
          if (users.get(userId) === created) users.delete(userId);
        });
      }
      const subscribed = entry;
      subscribed.listeners.add(listener);
      try {
        await subscribed.ready;
      } catch (error) {
        subscribed.listeners.delete(listener);
        throw error;
      }
      return () => {
        subscribed.listeners.delete(listener);
        release(userId, subscribed);
      };
    },

    subscribedUsers: () => users.size,

    close() {
      for (const [userId, entry] of users) {
        entry.listeners.clear();
        release(userId, entry);
      }
    },
  };
}
