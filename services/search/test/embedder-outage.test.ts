// EMBEDDER=http end to end, and what happens while the embedding server is down: the service talks to a
// local server speaking Text Embeddings Inference's protocol (`POST /embed`; its "model" is the hashing
// embedder, so results are meaningful), over a real NATS stream. While the server answers 503, searches
// fail fast with a 503 problem and events are not lost: the delivery fails, JetStream redelivers it after
// the back-off, and the post is indexed once the server is back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHashingEmbedder } from '@scalegram/vector/hashing-embedder';
import Fastify, { type FastifyInstance } from 'fastify';
import { eventually, postCreated } from './support/post-events.ts';
import { type SearchHarness, startSearchHarness } from './support/search-harness.ts';

const model = createHashingEmbedder({ dimension: 256 });
let server: FastifyInstance;
let down = false;
let requests = 0;
let h: SearchHarness;

beforeAll(async () => {
  server = Fastify();
  server.post<{ Body: { inputs: string[] } }>('/embed', async (request, reply) => {
    requests += 1;
    if (down) return reply.code(503).send({ error: 'model loading' });
    return (await model.embed(request.body.inputs)).map((vector) => Array.from(vector));
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  h = await startSearchHarness({
    env: {
      EMBEDDER: 'http',
      EMBEDDER_URL: url,
      EMBEDDER_PROTOCOL: 'tei',
      EMBEDDER_MODEL: 'fake-tei',
      EMBEDDER_DIMENSION: '256',
    },
  });
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

const search = async (q: string) => {
  const response = await h.get(`/api/v1/search/posts?q=${encodeURIComponent(q)}`);
  return { status: response.statusCode, body: response.json() };
};

describe('the HTTP embedder', () => {
  it('indexes and searches through the embedding server', async () => {
    const post = { postId: '1000001', authorId: '3', text: 'Snowshoe hike up the ridge at sunrise' };
    await h.publish(postCreated(post));
    await eventually(async () => expect((await search('snowshoe ridge')).body.items[0]?.postId).toBe(post.postId));
  });

  it('while it is down: searches answer 503, events wait for redelivery and are indexed once it is back', async () => {
    down = true;
    const before = requests;
    const failed = await search('anything');
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ status: 503 });
    expect(requests - before).toBeGreaterThan(1); // the embedder retried before giving up

    const post = { postId: '1000002', authorId: '3', text: 'Canoe portage between the two lakes' };
    await h.publish(postCreated(post));
    await eventually(async () => expect(requests - before).toBeGreaterThan(4)); // the consumer tried, and failed
    down = false;
    // Redelivered after the first back-off (1 s), then indexed.
    await eventually(async () => expect((await search('canoe portage lakes')).body.items[0]?.postId).toBe(post.postId));
  });
});
