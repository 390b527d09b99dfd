// Service identity: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) served by the auth service at
// `POST /internal/service-tokens`. A background worker (the search re-indexer, ...) authenticates as a
// registered client with HTTP Basic and gets a short-lived JWT with audience `scalegram-internal`,
// subject `service:<clientId>` and a `scope`; internal routes check the scope they need.
// Field names are RFC 6749's (snake_case), so any OAuth client library can talk to it.
import Type from 'typebox';

/** Audience of every service token; user access tokens carry `scalegram` and never reach internal routes. */
export const SERVICE_TOKEN_AUDIENCE = 'scalegram-internal';
/** Subject prefix of service tokens: `service:<clientId>`. */
export const SERVICE_SUBJECT_PREFIX = 'service:';

export const POSTS_READ_SCOPE = 'posts:read';
export const USERS_READ_SCOPE = 'users:read';
export const USERS_WRITE_SCOPE = 'users:write';
/** Follows on behalf of any user, in bulk (the demo seeder, ADR 0041). */
export const FOLLOWS_WRITE_SCOPE = 'follows:write';
/** Registers accounts in bulk (the demo seeder, ADR 0041). */
export const REGISTRATIONS_WRITE_SCOPE = 'registrations:write';
/** Every scope a service token can carry. */
export const SERVICE_SCOPES = [
  POSTS_READ_SCOPE,
  USERS_READ_SCOPE,
  USERS_WRITE_SCOPE,
  FOLLOWS_WRITE_SCOPE,
  REGISTRATIONS_WRITE_SCOPE,
] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

export function isServiceScope(value: string): value is ServiceScope {
  return (SERVICE_SCOPES as readonly string[]).includes(value);
}

/** A client id: lower-case letters, digits and `-`, starting with a letter (it becomes `service:<id>`). */
export const SERVICE_CLIENT_ID_PATTERN = '^[a-z][a-z0-9-]{0,62}$';

export const CLIENT_CREDENTIALS_GRANT = 'client_credentials';

/**
 * The token request (form-encoded as RFC 6749 says, or JSON). The client authenticates with
 * `Authorization: Basic base64(clientId:clientSecret)`, never in the body. `scope` is a space-separated
 * subset of the client's allowed scopes; absent means all of them.
 */
export const ServiceTokenRequest = Type.Object(
  {
    grant_type: Type.String({ minLength: 1, maxLength: 64, description: 'must be "client_credentials"' }),
    scope: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: 'space-separated scopes, e.g. "posts:read"' }),
    ),
  },
  { additionalProperties: false },
);
export type ServiceTokenRequest = Type.Static<typeof ServiceTokenRequest>;

export const ServiceTokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  /** Lifetime of the token, in seconds. */
  expires_in: Type.Integer({ minimum: 1 }),
  /** The scopes granted, space-separated. */
  scope: Type.String(),
});
export type ServiceTokenResponse = Type.Static<typeof ServiceTokenResponse>;
