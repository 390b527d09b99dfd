// The client side of service identity: a background worker (or any service acting on its own behalf)
// gets its service token from the auth service with the client-credentials grant
// (`POST /internal/service-tokens`, RFC 6749 §4.4) and reuses it until shortly before it expires.
//
//   const tokens = createServiceTokenSource({ authUrl, clientId: 'search', clientSecret, scope: 'posts:read' });
//   await posts.get('/internal/posts', { headers: { authorization: `Bearer ${await tokens.token()}` } });
//   await tokens.close();
//
// - One request at a time: concurrent callers during a refresh share it (single flight), so a burst of
//   work after a restart costs auth one token request, not one per caller.
// - Refreshed ahead of expiry (default 30 s before, at most half the lifetime). While the cached token is
//   still comfortably valid, callers get it at once and the refresh runs in the background; if that
//   refresh fails (auth restarting), the cached token keeps serving until it is about to expire.
// - Transport is kit's service client: per-attempt timeout, retries on 502/503/504 and network errors,
//   a circuit breaker. The grant writes nothing on the auth side, so repeating it is safe: the request
//   carries an Idempotency-Key only to tell the client so (auth ignores the header).
import { randomUUID } from 'node:crypto';
import { UnavailableError } from '@scalegram/contracts/errors';
import { CLIENT_CREDENTIALS_GRANT, type ServiceTokenResponse } from '@scalegram/contracts/service-tokens';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import { createServiceClient } from './service-client.ts';
import { UpstreamResponseError } from './upstream-errors.ts';

export const SERVICE_TOKENS_PATH = '/internal/service-tokens';

export interface ServiceTokenSourceOptions {
  /** The auth service's base URL, e.g. `http://auth:3000`. */
  authUrl: string;
  clientId: string;
  /** From a Secret; never logged, never sent anywhere but the auth service. */
  clientSecret: string;
  /** Scopes to ask for (a subset of the client's); absent means every scope the client is allowed. */
  scope?: string | readonly string[];
  /** Refresh this long before expiry; capped at half the token's lifetime. Default 30 000. */
  refreshBeforeExpiryMs?: number;
  /** Per attempt. Default 2000. */
  timeoutMs?: number;
  /** Attempts per token request (retries on 502/503/504 and network errors). Default 3. */
  maxAttempts?: number;
  logger?: FastifyBaseLogger;
  /** Registry for the underlying client's upstream_* metrics (upstream `auth`). */
  metrics?: Registry;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

export interface ServiceTokenSource {
  /** A valid token: the cached one, or a fresh one (throws UnavailableError when none can be had). */
  token(): Promise<string>;
  /** Drops the cached token, e.g. after an upstream refused it with 401; the next call fetches a new one. */
  invalidate(): void;
  /** Closes the connection pool; later calls to token() fail. */
  close(): Promise<void>;
}

interface CachedToken {
  value: string;
  /** From here on, callers trigger a refresh. */
  refreshAt: number;
  /** From here on, the token is not handed out any more (it could expire in flight). */
  usableUntil: number;
}

/** `Basic` credentials as RFC 6749 §2.3.1 says: id and secret form-urlencoded, then base64. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function isTokenResponse(body: unknown): body is ServiceTokenResponse {
  const candidate = body as Partial<ServiceTokenResponse> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.access_token === 'string' &&
    candidate.access_token.length > 0 &&
    Number.isInteger(candidate.expires_in) &&
    (candidate.expires_in ?? 0) > 0
  );
}

export function createServiceTokenSource(options: ServiceTokenSourceOptions): ServiceTokenSource {
  const now = options.now ?? Date.now;
  const refreshBeforeMs = options.refreshBeforeExpiryMs ?? 30_000;
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  const authorization = basicCredentials(options.clientId, options.clientSecret);
  const client = createServiceClient({
    name: 'auth',
    baseUrl: options.authUrl,
    timeoutMs: options.timeoutMs ?? 2000,
    retry: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 100 },
    connections: 1,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  let cached: CachedToken | undefined;
  let inflight: Promise<CachedToken> | undefined;
  let generation = 0;

  async function fetchToken(): Promise<CachedToken> {
    const requestedAt = now();
    let body: unknown;
    try {
      body = await client.post(
        SERVICE_TOKENS_PATH,
        { grant_type: CLIENT_CREDENTIALS_GRANT, ...(scope === undefined ? {} : { scope }) },
        { headers: { authorization }, idempotencyKey: randomUUID() },
      );
    } catch (error) {
      // A refusal (401 unknown client or wrong secret, 400 scope not allowed) is a deployment mistake that
      // no retry fixes; say which client, never the secret.
      if (error instanceof UpstreamResponseError) {
        throw new UnavailableError(
          `auth refused service client "${options.clientId}": ${error.status} ${error.problemCode ?? ''}`.trim(),
          { code: 'service-token-unavailable', cause: error },
        );
      }
      throw error;
    }
    if (!isTokenResponse(body)) {
      throw new UnavailableError('auth answered the token request with an unexpected body', {
        code: 'service-token-unavailable',
      });
    }
    // Lifetimes count from before the request was sent, so the cache never outlives the real token.
    const lifetimeMs = body.expires_in * 1000;
    const expiresAt = requestedAt + lifetimeMs;
    return {
      value: body.access_token,
      refreshAt: expiresAt - Math.min(refreshBeforeMs, lifetimeMs / 2),
      usableUntil: expiresAt - Math.min(5_000, lifetimeMs / 4),
    };
  }

  function refresh(): Promise<CachedToken> {
    if (inflight) return inflight;
    const started = generation;
    const attempt = fetchToken()
      .then((fresh) => {
        // A token fetched before invalidate() was called is not cached.
        if (started === generation) cached = fresh;
        return fresh;
      })
      .finally(() => {
        if (inflight === attempt) inflight = undefined;
      });
    inflight = attempt;
    return attempt;
  }

  return {
    async token() {
      const at = now();
      const current = cached;
      if (current && at < current.refreshAt) return current.value;
      if (current && at < current.usableUntil) {
        // Still valid for a while: serve it, refresh in the background.
        refresh().catch((error: unknown) =>
          options.logger?.warn({ err: error, clientId: options.clientId }, 'service token refresh failed'),
        );
        return current.value;
      }
      return (await refresh()).value;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
      inflight = undefined;
    },
    close: () => client.close(),
  };
}
