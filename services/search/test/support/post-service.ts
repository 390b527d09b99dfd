// The real post service (embedded PGlite, in memory) on a caller's bus, listening on an ephemeral port:
// posts created through its API reach the search consumer through its outbox and the bus, and the
// re-index reads them back from its `GET /internal/posts`.
import type { App } from '@scalegram/kit/app';
import { loadPostConfig } from '@scalegram/post-service/config';
import { startPostService } from '@scalegram/post-service/service';
import type { MessageBus } from '@scalegram/queue/port';
import { TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';

export interface PostService {
  url: string;
  create(authorId: string, text: string): Promise<string>;
  remove(authorId: string, postId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTestPostService(issuer: TokenIssuer, bus: MessageBus): Promise<PostService> {
  const config = loadPostConfig({
    JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: TEST_ISSUER,
    MEDIA_SERVICE_URL: 'http://127.0.0.1:9', // never called: the posts carry no media
    LOG_LEVEL: 'silent',
  });
  const app: App = await startPostService(config, { bus });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const as = async (authorId: string) => ({ authorization: `Bearer ${await issuer.userToken(authorId)}` });
  return {
    url,
    async create(authorId, text) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/posts',
        headers: await as(authorId),
        payload: { text },
      });
      if (response.statusCode !== 201) throw new Error(`create post: ${response.statusCode} ${response.body}`);
      return response.json<{ id: string }>().id;
    },
    async remove(authorId, postId) {
      const response = await app.inject({
        method: 'DELETE',
        url: `/api/v1/posts/${postId}`,
        headers: await as(authorId),
      });
      if (response.statusCode !== 204) throw new Error(`delete post: ${response.statusCode} ${response.body}`);
    },
    close: () => app.close(),
  };
}
