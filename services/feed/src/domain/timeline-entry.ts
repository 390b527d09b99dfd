// How a post is stored in a timeline (ADR 0034). Every member of a timeline sorted set has score 0 and is
// `<post id, zero-padded to 19 digits>:<author id>`: with equal scores Redis orders members byte by byte,
// and zero-padded decimal strings compare exactly like the 64-bit numbers they spell, which a double score
// cannot (it holds 53 bits). The author rides along so that an unfollow can remove an author's posts
// without looking anything up, and so that the feed answers {postId, authorId} from Redis alone.
//
// The sentinel `!` (byte 0x21, below every digit) is the first member of a COMPLETE timeline: a key
// without it is missing, however many entries it holds, and is regenerated on read.

const ID_DIGITS = 19;
const ENTRY = /^(\d{19}):(\d{1,19})$/;

export const SENTINEL = '!';
/** Lexicographic bounds excluding the sentinel. */
export const AFTER_SENTINEL = `(${SENTINEL}` as const;

export interface TimelineEntry {
  postId: string;
  authorId: string;
}

export function padId(id: string): string {
  return id.padStart(ID_DIGITS, '0');
}

export function encodeEntry(entry: TimelineEntry): string {
  return `${padId(entry.postId)}:${entry.authorId}`;
}

/** Undefined for the sentinel and anything that is not an entry. */
export function decodeEntry(member: string): TimelineEntry | undefined {
  const match = ENTRY.exec(member);
  if (match === null) return undefined;
  const padded = match[1] as string;
  const postId = padded.replace(/^0+(?=\d)/, '');
  return { postId, authorId: match[2] as string };
}

/** The exclusive upper bound "entries older than this post". */
export function olderThan(postId: string): `(${string}` {
  return `(${padId(postId)}`;
}

export function isEntryOf(member: string, authorId: string): boolean {
  return member.endsWith(`:${authorId}`) && member !== SENTINEL;
}
