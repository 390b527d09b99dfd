// The user service, as the auth service needs it: create and delete a profile (the registration
// saga and its compensation, on internal routes with a service token) and read one (login answers
// with the user's profile, read with the user's own fresh access token).
import { USERS_WRITE_SCOPE } from '@scalegram/contracts/service-tokens';
import type { UserProfile } from '@scalegram/contracts/users';
import type { ServiceClient } from '@scalegram/kit/service-client';
import type { TokenIssuer } from '../keys/token-issuer.ts';

export interface UserDirectory {
  /** PUT /internal/users/:id — idempotent, so the client may retry it after a timeout. */
  createProfile(userId: string, profile: { username: string; displayName?: string | undefined }): Promise<UserProfile>;
  /** POST /internal/users/bulk — many profiles in one transaction, in request order (bulk registration). */
  createProfiles(
    profiles: readonly { id: string; username: string; displayName?: string | undefined }[],
  ): Promise<UserProfile[]>;
  /** DELETE /internal/users/:id — 204 whether or not the profile existed (the compensation). */
  deleteProfile(userId: string): Promise<void>;
  getProfile(userId: string, accessToken: string): Promise<UserProfile>;
}

export function createUserDirectory(client: ServiceClient, tokens: TokenIssuer): UserDirectory {
  const serviceAuth = async () => ({ authorization: `Bearer ${await tokens.signServiceToken(USERS_WRITE_SCOPE)}` });
  const path = (userId: string) => `/internal/users/${encodeURIComponent(userId)}`;
  return {
    async createProfile(userId, { username, displayName }) {
      const body = displayName === undefined ? { username } : { username, displayName };
      return client.put<UserProfile>(path(userId), body, { headers: await serviceAuth() });
    },
    async createProfiles(profiles) {
      const body = { users: profiles };
      const answer = await client.post<{ items: UserProfile[] }>('/internal/users/bulk', body, {
        headers: await serviceAuth(),
      });
      return answer.items;
    },
    async deleteProfile(userId) {
      await client.delete(path(userId), { headers: await serviceAuth() });
    },
    getProfile: (userId, accessToken) =>
      client.get<UserProfile>(`/api/v1/users/${encodeURIComponent(userId)}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      }),
  };
}
