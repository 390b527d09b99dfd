// A small client for the end-to-end journeys: plain fetch against the gateway, nothing else. Every
// call returns the status and the parsed body, so the journeys assert on what a real client sees — and
// every answer is checked against the gateway's own OpenAPI document first (status, content type,
// headers, body): an answer the document does not describe fails the journey.
import sharp from 'sharp';
import { contractOf } from './openapi-contract.ts';

/** JSON as the journeys read it: loosely, because each step asserts on the fields it needs. */
// biome-ignore lint/suspicious/noExplicitAny: a test client reading arbitrary JSON answers
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Session {
  userId: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

export class JourneyClient {
  readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async call<T = Json>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    const contract = await contractOf(this.baseUrl);
    const violations = contract.violations({
      method,
      url: path,
      status: response.status,
      headers: response.headers,
      body: text,
    });
    if (violations.length > 0) {
      throw new Error(
        `the answer breaks the OpenAPI document:\n  ${violations.join('\n  ')}\n  body: ${text.slice(0, 500)}`,
      );
    }
    let body: unknown = text;
    if (text !== '' && /json/.test(response.headers.get('content-type') ?? '')) body = JSON.parse(text);
    return { status: response.status, body: body as T, headers: response.headers };
  }

  async register(username: string, password: string): Promise<Session> {
    const reply = await this.call('POST', '/api/v1/auth/register', {
      body: { username, password, displayName: `E2E ${username}` },
    });
    if (reply.status !== 201) throw new Error(`register ${username}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return {
      userId: reply.body.user.id,
      username,
      accessToken: reply.body.accessToken,
      refreshToken: reply.body.refreshToken,
    };
  }

  async login(username: string, password: string): Promise<Reply> {
    return this.call('POST', '/api/v1/auth/login', { body: { username, password } });
  }

  /** Presigned upload of a real PNG, then "complete"; answers the media id. */
  async uploadImage(session: Session, seed: number): Promise<string> {
    const bytes = await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: seed % 256, g: 120, b: 200 } },
    })
      .png()
      .toBuffer();
    const created = await this.call('POST', '/api/v1/media', {
      token: session.accessToken,
      body: { contentType: 'image/png', size: bytes.length },
    });
    if (created.status !== 201) throw new Error(`create media: ${created.status} ${JSON.stringify(created.body)}`);
    const upload = await fetch(created.body.uploadUrl, {
      method: created.body.uploadMethod,
      headers: created.body.uploadHeaders,
      body: bytes,
      signal: AbortSignal.timeout(20_000),
    });
    await upload.body?.cancel();
    if (!upload.ok) throw new Error(`upload: ${upload.status}`);
    const complete = await this.call('POST', `/api/v1/media/${created.body.id}/complete`, {
      token: session.accessToken,
    });
    if (complete.status !== 202) throw new Error(`complete: ${complete.status} ${JSON.stringify(complete.body)}`);
    return created.body.id;
  }
}

/** Polls `check` until it returns a value other than undefined, or fails with `what`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
