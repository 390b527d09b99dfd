// How repeats collapse, as pure rules (docs/adr, "collapsing and idempotency"):
// - likes on one post collapse into one unread notification ("Ana, Bo and 3 others liked your post");
// - comments on one post likewise, pointing at the latest comment;
// - follows by different people collapse while unread and within a window of the first one;
// - a mention never collapses, and one post (or comment) mentions a person at most once, however often
//   the post is edited.
// A read notification never changes again: what happens next starts a new one.
import { MAX_NOTIFICATION_ACTORS } from '@scalegram/contracts/notifications';
import type { NotificationIntent } from './notification-intents.ts';

export interface CollapsePolicy {
  /** Unread notifications of the recipient with this key take the new actor; null: never collapses. */
  collapseKey: string | null;
  /** Only notifications created less than this long ago collapse; null: no limit. */
  windowMs: number | null;
  /** At most one notification of the recipient ever has this key; null: no such rule. */
  dedupeKey: string | null;
}

export function collapsePolicy(intent: NotificationIntent, followWindowMs: number): CollapsePolicy {
  switch (intent.type) {
    case 'like':
      return { collapseKey: `like:${intent.postId}`, windowMs: null, dedupeKey: null };
    case 'comment':
      return { collapseKey: `comment:${intent.postId}`, windowMs: null, dedupeKey: null };
    case 'follow':
      return { collapseKey: 'follow', windowMs: followWindowMs, dedupeKey: null };
    case 'mention':
      return { collapseKey: null, windowMs: null, dedupeKey: `mention:${intent.postId}:${intent.commentId ?? 0}` };
  }
}

/** The actor moves to the front; the list keeps the most recent few. */
export function mergeActors(actorIds: readonly string[], actorId: string): string[] {
  return [actorId, ...actorIds.filter((id) => id !== actorId)].slice(0, MAX_NOTIFICATION_ACTORS);
}
