// The service as the all-in-one embedded runner starts it: no URLs configured (embedded index, in
// memory) and the runner's shared in-process bus, which the service uses but does not close.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '@scalegram/kit/app';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { loadSearchConfig } from '../src/config.ts';
import { startSearchService } from '../src/service.ts';
import { eventually, postCreated, postDeleted } from './support/post-events.ts';

let tokens: TokenIssuer;
let bus: MessageBus;
let app: App;

beforeAll(async () => {
  tokens = await startTokenIssuer();
  bus = await createInProcessBus();
  app = await startSearchService(
    loadSearchConfig({ JWKS_URL: tokens.jwksUrl, AUTH_ISSUER: TEST_ISSUER, LOG_LEVEL: 'silent' }),
    { bus },
  );
});

afterAll(async () => {
  await bus.close();
  await tokens.close();
});

describe('embedded mode on a shared bus', () => {
  it('dead-letters a post event that breaks the contract at once, and goes on with the next', async () => {
    const broken = postCreated({ postId: 'not-an-id', authorId: '42', text: 'Broken' });
    const fine = { postId: '987654321', authorId: '42', text: 'Lavender and thyme in the rockery' };
    await bus.publish('post.created', broken);
    await bus.publish('post.created', postCreated(fine));
    const authorization = `Bearer ${await tokens.userToken('42')}`;
    await eventually(async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/search/posts?q=lavender',
        headers: { authorization },
      });
      expect(response.json().items.map((hit: { postId: string }) => hit.postId)).toEqual([fine.postId]);
    });
    expect((await bus.streamState('DLQ')).messages).toBe(1);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/search_post_events_total\{[^}]*type="post.created"[^}]*outcome="malformed"[^}]*\} 1/);
    expect(metrics).toMatch(/search_post_events_total\{[^}]*type="post.created"[^}]*outcome="applied"[^}]*\} 1/);
  });

  it('indexes events from the shared bus, serves them, and leaves the bus open on close', async () => {
    const post = { postId: '123456789', authorId: '42', text: 'Tomatoes ripening in the greenhouse' };
    await bus.publish('post.created', postCreated(post));
    const authorization = `Bearer ${await tokens.userToken('42')}`;
    const search = () =>
      app.inject({ method: 'GET', url: '/api/v1/search/posts?q=tomatoes', headers: { authorization } });
    await eventually(async () =>
      expect((await search()).json().items).toEqual([expect.objectContaining({ postId: post.postId, authorId: '42' })]),
    );
    await bus.publish('post.deleted', postDeleted(post));
    await eventually(async () => expect((await search()).json().items).toEqual([]));

    await app.close();
    expect((await bus.streamState('POSTS')).messages).toBe(4); // the bus is still usable
  });
});
