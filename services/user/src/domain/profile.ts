// Turning rows into the API's shapes, and the few rules that need no I/O.
import type { UserProfile, UserSummary } from '@scalegram/contracts/users';
import type { UsersTable } from '../store/schema.ts';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  bio: string;
  avatar_media_id: string | null;
  follower_count: string;
  following_count: string;
  post_count: string;
  created_at: Date;
}

/** The columns every profile read selects. */
export const PROFILE_COLUMNS = [
  'id',
  'username',
  'display_name',
  'bio',
  'avatar_media_id',
  'follower_count',
  'following_count',
  'post_count',
  'created_at',
] as const satisfies readonly (keyof UsersTable)[];

// Counts are bigint in Postgres; a JavaScript number holds them exactly up to 2^53, far above any
// follower count.
export function toProfile(row: UserRow): UserProfile {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    bio: row.bio,
    avatarMediaId: row.avatar_media_id,
    followerCount: Number(row.follower_count),
    followingCount: Number(row.following_count),
    postCount: Number(row.post_count),
    createdAt: row.created_at.toISOString(),
  };
}

export function toSummary(row: Pick<UserRow, 'id' | 'username' | 'display_name' | 'avatar_media_id'>): UserSummary {
  return { id: row.id, username: row.username, displayName: row.display_name, avatarMediaId: row.avatar_media_id };
}

/** Usernames are unique case-insensitively; this is the form the unique index and lookups use. */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/** A new profile's display name when the registration did not give one. */
export function initialDisplayName(username: string, displayName: string | undefined): string {
  return displayName ?? username;
}
