// A small client of the public API for the seeder and the scenarios' setup (not for the measured
// requests, which go through the engine). It retries what a seeding run should ride out: 429 answers
// (waiting Retry-After, when that is short), 502/503/504 and dropped connections (with back-off). Any
// other non-2xx becomes an ApiError carrying the problem+json body, so callers can tell "username taken"
// (409) from a real failure.
import type { AuthSession } from '@scalegram/contracts/users';
import { Agent, type Dispatcher } from 'undici';
import { API, bearer, JSON_HEADERS } from './api-paths.ts';

export type Session = AuthSession;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface MediaUpload {
  id: string;
  uploadUrl: string;
  uploadMethod: 'PUT';
  uploadHeaders: Record<string, string>;
}

export interface MediaStatusView {
  id: string;
  status: 'pending' | 'processing' | 'ready' | 'failed';
  failureReason?: string;
}

export interface CreatedPost {
  id: string;
  authorId: string;
  /** True when the post service answered from an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  /** The problem's `code` (or the last segment of its `type`), when the body is problem+json. */
  readonly code: string | undefined;
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const code =
      typeof problem.code === 'string'
        ? problem.code
        : typeof problem.type === 'string'
          ? problem.type.split('/').pop()
          : undefined;
    const detail = typeof problem.detail === 'string' ? `: ${problem.detail}` : '';
    super(`${method} ${path} answered ${status}${code ? ` (${code})` : ''}${detail}`);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export interface SocialApiOptions {
  baseUrl: string | URL;
  /** Keep-alive connections per origin. */
  connections?: number;
  timeoutMs?: number;
  /** Attempts after the first for 502/503/504 and connection errors. */
  maxRetries?: number;
  /** A 429 whose Retry-After is longer than this is not waited for: the ApiError says which limit to raise. */
  maxRetryWaitMs?: number;
}

export interface SocialApi {
  readonly baseUrl: URL;
  register(username: string, password: string, displayName?: string): Promise<Session>;
  login(username: string, password: string): Promise<Session>;
  refresh(refreshToken: string): Promise<TokenPair>;
  follow(accessToken: string, userId: string): Promise<void>;
  unfollow(accessToken: string, userId: string): Promise<void>;
  createPost(accessToken: string, text: string, mediaIds?: string[], idempotencyKey?: string): Promise<CreatedPost>;
  like(accessToken: string, postId: string): Promise<void>;
  comment(accessToken: string, postId: string, text: string): Promise<void>;
  createMedia(accessToken: string, contentType: string, size: number): Promise<MediaUpload>;
  /** Sends the bytes to the presigned URL (object storage or the local store; not the gateway). */
  upload(upload: MediaUpload, bytes: Uint8Array): Promise<void>;
  completeMedia(accessToken: string, mediaId: string): Promise<void>;
  getMedia(accessToken: string, mediaId: string): Promise<MediaStatusView>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const RETRYABLE_STATUSES = new Set([502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** Seconds to wait from a 429: the Retry-After field, else the problem's retryAfterSeconds, else 1. */
function retryAfterMs(headers: Dispatcher.ResponseData['headers'], body: unknown): number {
  const field = Number(headers['retry-after']);
  if (Number.isFinite(field) && field >= 0) return field * 1000;
  const extra = (body as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof extra === 'number' ? extra * 1000 : 1000;
}

export function createSocialApi(options: SocialApiOptions): SocialApi {
  const baseUrl = new URL(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 4;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 65_000;
  const agent = new Agent({
    connections: options.connections ?? 32,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
  });

  type Init = { token?: string; json?: unknown; headers?: Record<string, string>; body?: Uint8Array; url?: string };
  const call = async <T>(method: Dispatcher.HttpMethod, path: string, init: Init = {}): Promise<T> =>
    (await exchange(method, path, init)).body as T;

  async function exchange(
    method: Dispatcher.HttpMethod,
    path: string,
    init: Init,
  ): Promise<{ body: unknown; headers: Dispatcher.ResponseData['headers'] }> {
    const url = init.url ?? new URL(path, baseUrl).toString();
    const headers: Record<string, string> = {
      ...(init.token ? bearer(init.token) : {}),
      ...(init.json !== undefined ? JSON_HEADERS : {}),
      ...init.headers,
    };
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    let failures = 0;
    for (;;) {
      let response: Dispatcher.ResponseData;
      try {
        response = await agent.request({ origin: new URL(url).origin, path: urlPath(url), method, headers, body });
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (RETRYABLE_CODES.has(code) && failures++ < maxRetries) {
          await sleep(200 * 2 ** failures);
          continue;
        }
        throw error;
      }
      const text = await response.body.text();
      const parsed: unknown = text === '' ? undefined : safeJson(text);
      const status = response.statusCode;
      if (status >= 200 && status < 300) return { body: parsed, headers: response.headers };
      if (status === 429) {
        const waitMs = retryAfterMs(response.headers, parsed);
        if (waitMs <= maxRetryWaitMs) {
          await sleep(waitMs + 50);
          continue;
        }
      } else if (RETRYABLE_STATUSES.has(status) && failures++ < maxRetries) {
        await sleep(200 * 2 ** failures);
        continue;
      }
      throw new ApiError(method, urlPath(url), status, parsed);
    }
  }

  return {
    baseUrl,
    register: (username, password, displayName) =>
      call('POST', API.register, { json: displayName ? { username, password, displayName } : { username, password } }),
    login: (username, password) => call('POST', API.login, { json: { username, password } }),
    refresh: (refreshToken) => call('POST', API.refresh, { json: { refreshToken } }),
    follow: (token, userId) => call('PUT', API.follow(userId), { token }),
    unfollow: (token, userId) => call('DELETE', API.follow(userId), { token }),
    async createPost(token, text, mediaIds, idempotencyKey) {
      const { body, headers } = await exchange('POST', API.posts, {
        token,
        json: mediaIds && mediaIds.length > 0 ? { text, mediaIds } : { text },
        headers: idempotencyKey ? { 'idempotency-key': `"${idempotencyKey}"` } : undefined,
      });
      const post = body as { id: string; authorId: string };
      return { id: post.id, authorId: post.authorId, replayed: headers['idempotent-replayed'] === 'true' };
    },
    like: (token, postId) => call('PUT', API.like(postId), { token }),
    comment: (token, postId, text) => call('POST', API.comments(postId), { token, json: { text } }),
    createMedia: (token, contentType, size) => call('POST', API.media, { token, json: { contentType, size } }),
    upload: (upload, bytes) =>
      call(upload.uploadMethod, '', {
        url: new URL(upload.uploadUrl, baseUrl).toString(),
        headers: upload.uploadHeaders,
        body: bytes,
      }),
    completeMedia: (token, mediaId) => call('POST', API.completeMedia(mediaId), { token }),
    getMedia: (token, mediaId) => call('GET', API.mediaItem(mediaId), { token }),
    close: () => agent.close(),
  };
}

const urlPath = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
