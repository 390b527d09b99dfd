// Request schemas of the user routes that the contracts package does not already define.
import { Id } from '@scalegram/contracts/ids';
import { Bio, DisplayName, Username } from '@scalegram/contracts/users';
import Type from 'typebox';

export const ProfileRef = Type.Ref('UserProfile');
export const SummaryRef = Type.Ref('UserSummary');
export const ProblemRef = Type.Ref('Problem');

/** PATCH /users/me: at least one field; `avatarMediaId: null` removes the avatar. */
export const UpdateProfileBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    bio: Type.Optional(Bio),
    avatarMediaId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UsernameParams = Type.Object({ username: Username }, { additionalProperties: false });

/** Errors every authenticated route can answer. */
export const AUTHENTICATED_ERRORS = { 400: ProblemRef, 401: ProblemRef, 403: ProblemRef, 503: ProblemRef } as const;
