// Every Redis key the feed owns (under KV_KEY_PREFIX, `<NAMESPACE>:feed:` by default). See ADR 0034 to 0037.

const LOCK_PREFIX = 'lk:';

/**
 * Keys that must not outlive the process that wrote them: a lock's owner is gone after a restart. The
 * embedded runner leaves them out of its key-value snapshot; everything else the feed keeps is a cache or
 * projection that stays valid across a clean stop.
 */
export const isProcessBoundKey = (key: string): boolean => key.startsWith(LOCK_PREFIX);
export const keys = {
  /** Home timeline: sorted set of entries + the sentinel; expires when nobody reads it. */
  timeline: (userId: string) => `tl:${userId}`,
  /** Projection: who follows this author (only readers with timelines need to be complete). */
  followers: (authorId: string) => `fo:${authorId}`,
  /** Projection: whom this reader follows. */
  following: (userId: string) => `fi:${userId}`,
  /** Projection: an author's newest posts; complete when it holds the sentinel. */
  recent: (authorId: string) => `rp:${authorId}`,
  /** Authors not fanned out (score: when they crossed the threshold, in ms). */
  celebrities: () => 'celebrities',
  /** Bumped by every change to a reader's timeline that a regeneration in flight may have missed. */
  epoch: (userId: string) => `ep:${userId}`,
  /** Single-flight regeneration lock. */
  regenerationLock: (userId: string) => `${LOCK_PREFIX}${userId}`,
  /** Last USERS stream sequence applied per followee, so a late redelivery cannot undo a newer change. */
  edges: (followerId: string) => `ed:${followerId}`,
  /** Tombstone of a deleted post, so a late post.created or fan-out job does not bring it back. */
  deleted: (postId: string) => `del:${postId}`,
};
