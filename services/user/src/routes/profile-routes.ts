// Profiles: one's own (read and edit) and anyone's (read). Every route requires a user token; the
// only profile a caller can change is the one named by the token's subject.

import { IdParams } from '@scalegram/contracts/ids';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
import { BEARER_AUTH } from '@scalegram/kit/openapi-responses';
import { updateProfile } from '../commands/profile-commands.ts';
import type { AvatarChecker } from '../media/avatar-checker.ts';
import { getProfile, getProfileByUsername } from '../queries/profile-queries.ts';
import type { UserContext } from '../user-context.ts';
import { AUTHENTICATED_ERRORS, ProblemRef, ProfileRef, UpdateProfileBody, UsernameParams } from './route-schemas.ts';
import { assertStorableId } from './storable-id.ts';

export interface ProfileRoutesOptions {
  context: UserContext;
  /** The media service's word on a new avatar (the media service owns media). */
  avatars: AvatarChecker;
}

export async function profileRoutes(app: App, { context, avatars }: ProfileRoutesOptions): Promise<void> {
  // Before validation: an anonymous caller gets 401, whatever it sent.
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/users/me',
    {
      schema: {
        summary: "The caller's own profile",
        operationId: 'getMyProfile',
        description:
          'The profile of the user the access token belongs to, with its follower, following and post counts.',
        security: BEARER_AUTH,
        tags: ['users'],
        response: { 200: ProfileRef, ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request) => getProfile(context, requireUserId(request)),
  );

  app.patch(
    '/users/me',
    {
      schema: {
        summary: "Edit the caller's own profile",
        operationId: 'updateMyProfile',
        description:
          'Changes only the fields sent: `displayName`, `bio`, `avatarMediaId` (an image of yours that is ready; `null` removes it). Answers the updated profile.',
        security: BEARER_AUTH,
        tags: ['users'],
        body: UpdateProfileBody,
        response: {
          200: ProfileRef,
          ...AUTHENTICATED_ERRORS,
          404: ProblemRef,
          413: ProblemRef,
          415: ProblemRef,
          422: ProblemRef,
        },
      },
    },
    async (request) => {
      const userId = requireUserId(request);
      const { avatarMediaId } = request.body;
      assertStorableId(avatarMediaId, '/body/avatarMediaId');
      // Checked like a post's media (yours, ready, an image) before anything is written; null removes it.
      if (typeof avatarMediaId === 'string') {
        await avatars.assertUsable(userId, avatarMediaId, request.headers.authorization as string);
      }
      return updateProfile(context, userId, request.body);
    },
  );

  app.get(
    '/users/:id',
    {
      schema: {
        summary: 'A profile with its follower, following and post counts',
        operationId: 'getUser',
        description:
          'A profile by user id (a 64-bit id as a decimal string), with its follower, following and post counts.',
        security: BEARER_AUTH,
        tags: ['users'],
        params: IdParams,
        response: { 200: ProfileRef, ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request) => {
      requireUserId(request);
      return getProfile(context, request.params.id);
    },
  );

  app.get(
    '/users/by-username/:username',
    {
      schema: {
        summary: 'A profile by username (case-insensitive)',
        operationId: 'getUserByUsername',
        description: 'A profile by username, matched case-insensitively (e.g. `user_0`).',
        security: BEARER_AUTH,
        tags: ['users'],
        params: UsernameParams,
        response: { 200: ProfileRef, ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request) => {
      requireUserId(request);
      return getProfileByUsername(context, request.params.username);
    },
  );
}
