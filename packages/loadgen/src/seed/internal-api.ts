// The seeder's bulk path (docs/adr/0041-seeding-through-bulk-internal-routes.md): a service client of
// the system that gets a token by the client-credentials grant from auth, then writes in bulk through
// the services' internal routes. Only a system that registered the client (`npm start` does, for its
// own seeding) can be seeded this way; anything else is seeded through the public API.
import type { Session } from '../api/social-api.ts';

export interface InternalSeedTarget {
  /** The auth service, e.g. http://127.0.0.1:3001 (its /internal/service-tokens route). */
  authUrl: string;
  /** The user service (its /internal/follows/batch route); auth's batch registration route is used too. */
  userUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface InternalApi {
  /** Registers the accounts (all or nothing); their sessions, in order. Throws InternalApiError on 409. */
  registerMany(users: readonly { username: string; password: string; displayName: string }[]): Promise<Session[]>;
  /** Creates the follows (idempotent); resolves to how many were new. */
  followMany(edges: readonly { followerId: string; followeeId: string }[]): Promise<number>;
}

export class InternalApiError extends Error {
  override name = 'InternalApiError';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** Accounts per request: auth accepts up to 100. */
export const REGISTRATION_BATCH_SIZE = 100;

/** Edges per request: the user service accepts up to 1,000. */
export const FOLLOW_BATCH_SIZE = 1_000;

const TOKEN_MARGIN_MS = 30_000;

export function createInternalApi(target: InternalSeedTarget): InternalApi {
  let token: { value: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const basic = Buffer.from(`${target.clientId}:${target.clientSecret}`).toString('base64');
    const response = await fetch(new URL('/internal/service-tokens', target.authUrl), {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; detail?: string };
    if (!response.ok || body.access_token === undefined) {
      throw new Error(`service token for ${target.clientId}: ${response.status} ${body.detail ?? ''}`.trim());
    }
    token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 60) * 1000 };
    return token.value;
  }

  const serviceToken = async (): Promise<string> => {
    if (token !== undefined && token.expiresAt - Date.now() > TOKEN_MARGIN_MS) return token.value;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  async function post<T>(base: string, path: string, body: unknown): Promise<T> {
    const response = await fetch(new URL(path, base), {
      method: 'POST',
      headers: { authorization: `Bearer ${await serviceToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new InternalApiError(`POST ${path}: ${response.status} ${text.slice(0, 500)}`, response.status);
    return JSON.parse(text) as T;
  }

  return {
    async registerMany(users) {
      const result = await post<{ items: Session[] }>(target.authUrl, '/internal/registrations/batch', { users });
      return result.items;
    },
    async followMany(edges) {
      const result = await post<{ created: number }>(target.userUrl, '/internal/follows/batch', { follows: edges });
      return result.created;
    },
  };
}
