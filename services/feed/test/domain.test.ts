// Pure parts: entry encoding keeps 64-bit order exactly (where a double score would not), cursors
// refuse what this service did not issue, the read-time merge, batching.
import { describe, expect, it } from '@jest/globals';
import { InvalidCursorError } from '@scalegram/contracts/pagination';
import { batches, isCelebrity } from '../src/domain/fan-out-policy.ts';
import { decodeFeedCursor, encodeFeedCursor } from '../src/domain/feed-cursor.ts';
import { mergeNewestFirst } from '../src/domain/merge-entries.ts';
import { decodeEntry, encodeEntry, isEntryOf, olderThan, SENTINEL } from '../src/domain/timeline-entry.ts';

describe('timeline entries', () => {
  it('order exactly like the 64-bit ids, even where doubles collide', () => {
    const ids = ['9', '10', '9007199254740993', '9007199254740992', '9223372036854775807', '0'];
    // 2^53 + 1 and 2^53 are the same double: a score could not order them.
    expect(Number('9007199254740993')).toBe(Number('9007199254740992'));
    const members = ids.map((postId) => encodeEntry({ postId, authorId: '7' }));
    const byMember = [...members].sort().map((member) => decodeEntry(member)?.postId);
    const byNumber = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(byMember).toEqual(byNumber);
    expect(members.every((member) => member > SENTINEL)).toBe(true);
  });

  it('round-trips and carries the author', () => {
    const member = encodeEntry({ postId: '123', authorId: '456' });
    expect(member).toBe('0000000000000000123:456');
    expect(decodeEntry(member)).toEqual({ postId: '123', authorId: '456' });
    expect(decodeEntry(SENTINEL)).toBeUndefined();
    expect(isEntryOf(member, '456')).toBe(true);
    expect(isEntryOf(member, '56')).toBe(false);
    // "older than 123" excludes the entry of post 123 itself and includes 122's.
    const bound = olderThan('123').slice(1);
    expect(member < bound).toBe(false);
    expect(encodeEntry({ postId: '122', authorId: '999999' }) < bound).toBe(true);
  });
});

describe('cursor', () => {
  it('round-trips and refuses anything else', () => {
    expect(decodeFeedCursor(encodeFeedCursor('42'))).toBe('42');
    for (const bad of [
      'x',
      Buffer.from('{"before":"-1"}').toString('base64url'),
      encodeFeedCursor('99999999999999999999'),
    ]) {
      expect(() => decodeFeedCursor(bad)).toThrow(InvalidCursorError);
    }
  });
});

describe('merge and policy', () => {
  it('merges newest first without duplicates', () => {
    expect(
      mergeNewestFirst(
        [
          ['c', 'a'],
          ['d', 'c', 'b'],
        ],
        3,
      ),
    ).toEqual(['d', 'c', 'b']);
  });

  it('splits targets and names celebrities strictly above the threshold', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(isCelebrity(10, 10)).toBe(false);
    expect(isCelebrity(11, 10)).toBe(true);
  });
});
