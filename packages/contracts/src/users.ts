// User shapes shared by the user service (which owns them), the auth service (registration saga) and
// the gateway (hydration). Usernames: 3–30 letters, digits, `_` and `.`, unique case-insensitively.
import Type from 'typebox';
import { Id } from './ids.ts';
import { MultiLineText, SingleLineText } from './text.ts';

export const USERNAME_PATTERN = '^[A-Za-z0-9_.]{3,30}$';

export const Username = Type.String({
  minLength: 3,
  maxLength: 30,
  pattern: USERNAME_PATTERN,
  description: '3–30 letters, digits, "_" and "."; unique case-insensitively',
  // The demo data's accounts are user_0 … user_961 (password `scalegram-demo`).
  examples: ['user_0'],
});

/** One line; no control characters, unpaired surrogates or bidirectional overrides (text.ts). */
export const DisplayName = SingleLineText({ minLength: 1, maxLength: 50, examples: ['Lena Lopez'] });
/** May span lines (tab, LF, CR); otherwise the same characters as a display name. */
export const Bio = MultiLineText({ maxLength: 160 });

/** A user as others see them: enough to render an author next to a post. */
export const UserSummary = Type.Object(
  {
    id: Id,
    username: Username,
    displayName: DisplayName,
    avatarMediaId: Type.Union([Id, Type.Null()]),
  },
  { $id: 'UserSummary' },
);
export type UserSummary = Type.Static<typeof UserSummary>;

/** A full profile with its counts. */
export const UserProfile = Type.Object(
  {
    id: Id,
    username: Username,
    displayName: DisplayName,
    bio: Bio,
    avatarMediaId: Type.Union([Id, Type.Null()]),
    followerCount: Type.Integer({ minimum: 0 }),
    followingCount: Type.Integer({ minimum: 0 }),
    postCount: Type.Integer({ minimum: 0 }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'UserProfile' },
);
export type UserProfile = Type.Static<typeof UserProfile>;

/** What register and login answer (the user, plus a fresh token pair). */
export const AuthSession = Type.Object({
  user: UserProfile,
  accessToken: Type.String(),
  refreshToken: Type.String(),
  /** Lifetime of the access token, in seconds. */
  expiresIn: Type.Integer({ minimum: 1 }),
});
export type AuthSession = Type.Static<typeof AuthSession>;

/** Internal: the user service's batch lookup used for hydration. */
export const MAX_BATCH_USERS = 100;
export const UserBatchRequest = Type.Object(
  { ids: Type.Array(Id, { minItems: 1, maxItems: MAX_BATCH_USERS, uniqueItems: true }) },
  { additionalProperties: false },
);
export const UserBatchResponse = Type.Object({ items: Type.Array(UserSummary) });

/** Internal: the auth service's saga step that creates the profile for a user id it generated. */
export const CreateUserRequest = Type.Object(
  { username: Username, displayName: Type.Optional(DisplayName) },
  { additionalProperties: false },
);

/**
 * User search (`GET /api/v1/search/users`, served by the user service): prefix match on the username or
 * the display name, case-insensitive; exact username first, then username prefixes, then display-name
 * prefixes. A leading `@` is ignored. Single-line text: control characters and the like are refused.
 */
export const MAX_USER_SEARCH_LIMIT = 50;
export const UserSearchQuery = Type.Object(
  {
    q: SingleLineText({ minLength: 1, maxLength: 64 }),
    limit: Type.Integer({ minimum: 1, maximum: MAX_USER_SEARCH_LIMIT, default: 20 }),
  },
  { additionalProperties: false },
);
export type UserSearchQuery = Type.Static<typeof UserSearchQuery>;
export const UserSearchResponse = Type.Object({ items: Type.Array(UserSummary) });
export type UserSearchResponse = Type.Static<typeof UserSearchResponse>;
