// Test doubles of the feed and search services, speaking exactly their contracts (contracts/feed,
// contracts/search): authenticated kit apps on ephemeral ports whose answers the test sets.

import { NotFoundError } from '@scalegram/contracts/errors';
import type { FeedItem } from '@scalegram/contracts/feed';
import { InvalidCursorError } from '@scalegram/contracts/pagination';
import type { SearchHit } from '@scalegram/contracts/search';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, createApp } from '@scalegram/kit/app';
import { authenticationPlugin, requireUserId } from '@scalegram/kit/authentication';
import { AUDIENCE, ISSUER } from './signing-keys.ts';

const quiet = { write: () => undefined };

export interface FakeFeed {
  app: App;
  /** The timeline each user id gets, newest first. */
  timelines: Map<string, FeedItem[]>;
  /** What the feed service saw last: the query. */
  lastQuery: Record<string, unknown> | undefined;
}

export function fakeFeedService(jwksUrl: string): FakeFeed {
  const app = createApp({ name: 'feed', version: '1', logDestination: quiet });
  app.register(authenticationPlugin, {
    verifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: ISSUER, audience: AUDIENCE, cooldownMs: 0 }),
  });
  const feed: FakeFeed = { app, timelines: new Map(), lastQuery: undefined };
  app.register(async (routes: App) => {
    routes.get('/api/v1/feed', { preHandler: routes.authenticate }, async (request) => {
      const query = request.query as { cursor?: string; limit?: string };
      feed.lastQuery = { ...query };
      const timeline = feed.timelines.get(requireUserId(request)) ?? [];
      const limit = Number(query.limit ?? 20);
      let offset = 0;
      if (query.cursor !== undefined) {
        offset = Number(Buffer.from(query.cursor, 'base64url').toString());
        if (!Number.isInteger(offset)) throw new InvalidCursorError('not a cursor of this feed');
      }
      const items = timeline.slice(offset, offset + limit);
      const next = offset + limit < timeline.length ? Buffer.from(String(offset + limit)).toString('base64url') : null;
      return { items, nextCursor: next };
    });
  });
  return feed;
}

export interface FakeSearch {
  app: App;
  hits: SearchHit[];
  similar: Map<string, SearchHit[]>;
  lastQuery: Record<string, unknown> | undefined;
}

export function fakeSearchService(jwksUrl: string): FakeSearch {
  const app = createApp({ name: 'search', version: '1', logDestination: quiet });
  app.register(authenticationPlugin, {
    verifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: ISSUER, audience: AUDIENCE, cooldownMs: 0 }),
  });
  const search: FakeSearch = { app, hits: [], similar: new Map(), lastQuery: undefined };
  app.register(async (routes: App) => {
    routes.get('/api/v1/search/posts', { preHandler: routes.authenticate }, async (request) => {
      search.lastQuery = { ...(request.query as Record<string, unknown>) };
      return { items: search.hits };
    });
    routes.get('/api/v1/posts/:id/similar', { preHandler: routes.authenticate }, async (request) => {
      const { id } = request.params as { id: string };
      search.lastQuery = { ...(request.query as Record<string, unknown>) };
      const hits = search.similar.get(id);
      if (!hits) throw new NotFoundError('post not indexed');
      return { items: hits };
    });
  });
  return search;
}
