// The real user, media and post services, built in-process from their packages' ./service exports and
// listening on ephemeral ports, each on its own scratch database on the local PostgreSQL (dropped on
// close) with its own in-process bus. A fake auth serves the JWKS; tokens are signed the way auth
// signs them. Helpers seed through the services' own APIs; only "the media worker finished" is written
// straight into the media database (the worker is another suite's business).

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { App } from '@scalegram/kit/app';
import { loadMediaConfig } from '@scalegram/media-service/config';
import { startMediaService } from '@scalegram/media-service/service';
import { loadPostConfig } from '@scalegram/post-service/config';
import { startPostService } from '@scalegram/post-service/service';
import type { MessageBus } from '@scalegram/queue/port';
import { loadUserConfig } from '@scalegram/user-service/config';
import { startUserService } from '@scalegram/user-service/service';
import { SignJWT } from 'jose';
import { fakeAuthService, listen } from './fake-upstreams.ts';
import { POSTGRES_URL } from './service-process.ts';
import { createSigningKey, ISSUER, type SigningKey, signAccessToken } from './signing-keys.ts';

export interface TestUser {
  id: string;
  username: string;
  token: string;
  headers: { authorization: string };
}

export interface ContentServices {
  jwksUrl: string;
  key: SigningKey;
  urls: { auth: string; user: string; media: string; post: string };
  apps: { user: App; media: App; post: App };
  /** A profile created through the user service's saga step, and a token for it. */
  user(): Promise<TestUser>;
  /** A ready image owned by `owner` (created through the API; marked processed in its database). */
  readyImage(owner: TestUser): Promise<string>;
  createPost(author: TestUser, text: string, mediaIds?: string[]): Promise<string>;
  like(user: TestUser, postId: string): Promise<void>;
  deletePost(author: TestUser, postId: string): Promise<void>;
  follow(follower: TestUser, followee: TestUser): Promise<void>;
  /** Creates a scratch database (dropped on close) and returns its URL. */
  database(suffix: string): string;
  close(): Promise<void>;
}

function psql(database: string, statement: string): void {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  execFileSync('psql', [url.toString(), '-v', 'ON_ERROR_STOP=1', '-q', '-c', statement], { stdio: 'pipe' });
}

function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function call(url: string, init: RequestInit & { expect: number }): Promise<unknown> {
  const response = await fetch(url, {
    ...init,
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.headers as Record<string, string>),
    },
  });
  const text = await response.text();
  if (response.status !== init.expect) throw new Error(`${init.method} ${url}: ${response.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

let userSequence = 0;

export interface ContentOptions {
  /** One bus for every service (events flow between them); without it each has its own in-process bus. */
  bus?: MessageBus;
}

export async function startContentServices(options: ContentOptions = {}): Promise<ContentServices> {
  const shared = options.bus ? { bus: options.bus } : {};
  const run = `sg_gw_${randomBytes(4).toString('hex')}`;
  const databases: Record<string, string> & { user: string; media: string; post: string } = {
    user: `${run}_user`,
    media: `${run}_media`,
    post: `${run}_post`,
  };
  for (const name of Object.values(databases)) psql('postgres', `create database ${name}`);

  const key = await createSigningKey('content-key');
  const auth = fakeAuthService({ current: [key] });
  const authUrl = await listen(auth);
  const jwksUrl = `${authUrl}/.well-known/jwks.json`;
  const common = { JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, LOG_LEVEL: 'silent' };

  const user = await startUserService(loadUserConfig({ ...common, DATABASE_URL: databaseUrl(databases.user) }), shared);
  const userUrl = await listen(user);
  const media = await startMediaService(
    loadMediaConfig({ ...common, DATABASE_URL: databaseUrl(databases.media) }),
    shared,
  );
  const mediaUrl = await listen(media);
  const post = await startPostService(
    loadPostConfig({
      ...common,
      POST_DATABASE_URLS: databaseUrl(databases.post),
      POST_DATABASE_POOL_MAX: '3',
      MEDIA_SERVICE_URL: mediaUrl,
    }),
    shared,
  );
  const postUrl = await listen(post);

  const serviceToken = await new SignJWT({ scope: 'users:write' })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setSubject('service:gateway-tests')
    .setIssuer(ISSUER)
    .setAudience('scalegram-internal')
    .setIssuedAt()
    .setExpirationTime('30m')
    .sign(key.privateKey);

  return {
    jwksUrl,
    key,
    urls: { auth: authUrl, user: userUrl, media: mediaUrl, post: postUrl },
    apps: { user, media, post },
    async user() {
      userSequence += 1;
      const id = String(7_000_000 + process.pid * 1000 + userSequence);
      const username = `gw_${process.pid}_${userSequence}`;
      await call(`${userUrl}/internal/users/${id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${serviceToken}` },
        body: JSON.stringify({ username, displayName: `User ${userSequence}` }),
        expect: 201,
      });
      const token = await signAccessToken(key, { userId: id, username, expiresAt: '30m' });
      return { id, username, token, headers: { authorization: `Bearer ${token}` } };
    },
    async readyImage(owner) {
      const upload = (await call(`${mediaUrl}/api/v1/media`, {
        method: 'POST',
        headers: owner.headers,
        body: JSON.stringify({ contentType: 'image/jpeg', size: 1000 }),
        expect: 201,
      })) as { id: string };
      const variants = JSON.stringify({
        thumb: { key: `variants/${upload.id}/thumb.webp`, width: 150, height: 150, contentType: 'image/webp' },
        large: { key: `variants/${upload.id}/large.webp`, width: 1080, height: 1080, contentType: 'image/webp' },
      });
      psql(
        databases.media,
        `update media set status = 'ready', width = 1080, height = 1080, variants = '${variants}'::jsonb where id = ${upload.id}`,
      );
      return upload.id;
    },
    async createPost(author, text, mediaIds = []) {
      const created = (await call(`${postUrl}/api/v1/posts`, {
        method: 'POST',
        headers: author.headers,
        body: JSON.stringify({ text, ...(mediaIds.length ? { mediaIds } : {}) }),
        expect: 201,
      })) as { id: string };
      return created.id;
    },
    async like(liker, postId) {
      await call(`${postUrl}/api/v1/posts/${postId}/like`, { method: 'PUT', headers: liker.headers, expect: 204 });
    },
    async deletePost(author, postId) {
      await call(`${postUrl}/api/v1/posts/${postId}`, { method: 'DELETE', headers: author.headers, expect: 204 });
    },
    async follow(follower, followee) {
      await call(`${userUrl}/api/v1/users/${followee.id}/follow`, {
        method: 'PUT',
        headers: follower.headers,
        expect: 204,
      });
    },
    database(suffix) {
      const name = `${run}_${suffix}`;
      psql('postgres', `create database ${name}`);
      databases[suffix as keyof typeof databases] = name;
      return databaseUrl(name);
    },
    async close() {
      await post.close();
      await media.close();
      await user.close();
      await auth.close();
      for (const name of Object.values(databases)) psql('postgres', `drop database if exists ${name} with (force)`);
    },
  };
}
