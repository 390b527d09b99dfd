// Which notifications an event asks for, as pure data: no I/O, unit tested on its own.
// Never notify someone of their own action; a mention of the post's author in a comment on their own
// post is already their comment notification.
import type { NotificationType } from '@scalegram/contracts/notifications';
import type {
  PostCommentedData,
  PostCreatedData,
  PostLikeData,
  PostUpdatedData,
} from '@scalegram/contracts/post-events';
import { PostEventType } from '@scalegram/contracts/post-events';
import type { UserFollowData } from '@scalegram/contracts/user-events';
import { UserEventType } from '@scalegram/contracts/user-events';

export interface NotificationIntent {
  recipientId: string;
  actorId: string;
  type: NotificationType;
  postId: string | null;
  commentId: string | null;
}

/** Usernames (lower-cased) to user ids, for the usernames the projection knows. */
export type UsernameLookup = ReadonlyMap<string, string>;

export interface EventLike {
  type: string;
  data: unknown;
}

/** The lower-cased usernames an event mentions (empty for events without mentions). */
export function mentionsOf(event: EventLike): string[] {
  switch (event.type) {
    case PostEventType.created:
    case PostEventType.updated:
    case PostEventType.commented:
      return (event.data as { mentions: string[] }).mentions.map((name) => name.toLowerCase());
    default:
      return [];
  }
}

function mentionIntents(
  usernames: readonly string[],
  users: UsernameLookup,
  actorId: string,
  postId: string,
  commentId: string | null,
  skip: ReadonlySet<string>,
): NotificationIntent[] {
  const recipients = new Set<string>();
  for (const name of usernames) {
    const recipientId = users.get(name.toLowerCase());
    if (recipientId !== undefined && !skip.has(recipientId)) recipients.add(recipientId);
  }
  return [...recipients].map((recipientId) => ({ recipientId, actorId, type: 'mention', postId, commentId }));
}

export function intentsFor(event: EventLike, users: UsernameLookup): NotificationIntent[] {
  const intents = ((): NotificationIntent[] => {
    switch (event.type) {
      case UserEventType.followed: {
        const data = event.data as UserFollowData;
        return [
          { recipientId: data.followeeId, actorId: data.followerId, type: 'follow', postId: null, commentId: null },
        ];
      }
      case PostEventType.liked: {
        const data = event.data as PostLikeData;
        return [
          { recipientId: data.postAuthorId, actorId: data.userId, type: 'like', postId: data.postId, commentId: null },
        ];
      }
      case PostEventType.commented: {
        const data = event.data as PostCommentedData;
        const comment: NotificationIntent = {
          recipientId: data.postAuthorId,
          actorId: data.commenterId,
          type: 'comment',
          postId: data.postId,
          commentId: data.commentId,
        };
        const skip = new Set([data.commenterId, data.postAuthorId]);
        return [comment, ...mentionIntents(data.mentions, users, data.commenterId, data.postId, data.commentId, skip)];
      }
      case PostEventType.created:
      case PostEventType.updated: {
        // An edit that adds a mention notifies the newcomer; one already notified is not notified again
        // (mentions are de-duplicated per post, see collapse-policy.ts).
        const data = event.data as PostCreatedData | PostUpdatedData;
        return mentionIntents(data.mentions, users, data.authorId, data.postId, null, new Set([data.authorId]));
      }
      default:
        return [];
    }
  })();
  return intents.filter((intent) => intent.recipientId !== intent.actorId);
}
