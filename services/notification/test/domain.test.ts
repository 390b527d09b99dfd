// The pure rules: which notifications an event asks for, and how repeats collapse.
import { describe, expect, it } from '@jest/globals';
import { PostEventType } from '@scalegram/contracts/post-events';
import { UserEventType } from '@scalegram/contracts/user-events';
import { collapsePolicy, mergeActors } from '../src/domain/collapse-policy.ts';
import { intentsFor, mentionsOf } from '../src/domain/notification-intents.ts';

const users = new Map([
  ['ana', '11'],
  ['bo', '12'],
  ['author', '10'],
]);

describe('intentsFor', () => {
  it('a follow notifies the followee; a like the post author; never the actor themselves', () => {
    expect(intentsFor({ type: UserEventType.followed, data: { followerId: '1', followeeId: '2' } }, users)).toEqual([
      { recipientId: '2', actorId: '1', type: 'follow', postId: null, commentId: null },
    ]);
    expect(intentsFor({ type: UserEventType.followed, data: { followerId: '1', followeeId: '1' } }, users)).toEqual([]);
    expect(
      intentsFor({ type: PostEventType.liked, data: { postId: '5', postAuthorId: '10', userId: '10' } }, users),
    ).toEqual([]);
  });

  it('a comment notifies the author and the mentioned, except the commenter and the author twice', () => {
    const event = {
      type: PostEventType.commented,
      data: {
        postId: '5',
        postAuthorId: '10',
        commentId: '7',
        commenterId: '11',
        text: '',
        mentions: ['Ana', 'bo', 'author', 'ghost', 'bo'],
      },
    };
    expect(mentionsOf(event)).toEqual(['ana', 'bo', 'author', 'ghost', 'bo']);
    expect(intentsFor(event, users)).toEqual([
      { recipientId: '10', actorId: '11', type: 'comment', postId: '5', commentId: '7' },
      { recipientId: '12', actorId: '11', type: 'mention', postId: '5', commentId: '7' },
    ]);
  });

  it('a post mentions everyone it names but its author; other events ask for nothing', () => {
    const created = {
      type: PostEventType.created,
      data: { postId: '5', authorId: '11', text: '', mediaIds: [], mentions: ['ana', 'bo'], createdAt: '' },
    };
    expect(intentsFor(created, users).map((intent) => intent.recipientId)).toEqual(['12']);
    expect(intentsFor({ type: UserEventType.unfollowed, data: { followerId: '1', followeeId: '2' } }, users)).toEqual(
      [],
    );
    expect(mentionsOf({ type: PostEventType.liked, data: {} })).toEqual([]);
  });
});

describe('collapsePolicy and mergeActors', () => {
  const intent = { recipientId: '1', actorId: '2', postId: '5', commentId: '7' };
  it('likes and comments collapse per post, follows within a window, mentions never (but once per place)', () => {
    expect(collapsePolicy({ ...intent, type: 'like' }, 1000)).toEqual({
      collapseKey: 'like:5',
      windowMs: null,
      dedupeKey: null,
    });
    expect(collapsePolicy({ ...intent, type: 'comment' }, 1000).collapseKey).toBe('comment:5');
    expect(collapsePolicy({ ...intent, type: 'follow', postId: null, commentId: null }, 1000)).toEqual({
      collapseKey: 'follow',
      windowMs: 1000,
      dedupeKey: null,
    });
    expect(collapsePolicy({ ...intent, type: 'mention' }, 1000)).toEqual({
      collapseKey: null,
      windowMs: null,
      dedupeKey: 'mention:5:7',
    });
    expect(collapsePolicy({ ...intent, type: 'mention', commentId: null }, 1000).dedupeKey).toBe('mention:5:0');
  });

  it('keeps the three most recent actors, newest first, each once', () => {
    expect(mergeActors(['3', '2', '1'], '4')).toEqual(['4', '3', '2']);
    expect(mergeActors(['3', '2', '1'], '2')).toEqual(['2', '3', '1']);
    expect(mergeActors([], '1')).toEqual(['1']);
  });
});
