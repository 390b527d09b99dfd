// Search quality end to end: posts embedded by the hashing embedder into the embedded index, queried
// per topic. A regression test for the embedder: a change to features, hashing or weights that makes
// search worse fails here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEmbeddedIndex } from '../src/embedded-index.ts';
import { createHashingEmbedder } from '../src/hashing-embedder.ts';
import type { VectorIndex } from '../src/port.ts';
import { POSTS, QUERIES, type Topic } from './fixtures/topic-corpus.ts';

const TOPICS = Object.keys(POSTS) as Topic[];
const embedder = createHashingEmbedder();
let index: VectorIndex;
const idsByTopic = new Map<Topic, string[]>();

beforeAll(async () => {
  index = await createEmbeddedIndex();
  await index.ensureCollection('posts', { dimension: embedder.dimension, distance: 'cosine' });
  let next = 1n << 60n; // realistic 64-bit post ids
  for (const topic of TOPICS) {
    const texts = POSTS[topic];
    const vectors = await embedder.embed(texts);
    const ids = texts.map(() => (next++).toString());
    idsByTopic.set(topic, ids);
    await index.upsert(
      'posts',
      texts.map((text, i) => ({ id: ids[i]!, vector: vectors[i]!, payload: { topic, text } })),
    );
  }
});

afterAll(async () => {
  await index.close();
});

describe('search quality with the hashing embedder', () => {
  it.each(TOPICS)('ranks %s posts first for a query on that topic (precision@5 ≥ 0.8)', async (topic) => {
    const [vector] = await embedder.embed([QUERIES[topic]]);
    for (const text of POSTS[topic]) expect(text).not.toBe(QUERIES[topic]);
    const top5 = await index.search('posts', { vector: vector!, limit: 5 });
    const precision = top5.filter((hit) => hit.payload.topic === topic).length / 5;
    expect(precision).toBeGreaterThanOrEqual(0.8);
    expect(top5[0]?.payload.topic).toBe(topic);
  });

  // "Similar posts" from ONE short post is harder for a lexical embedder than a keyword query: two posts
  // on one topic often share no word at all. Measured over all 30 seeds: the top recommendation shares
  // the seed's topic for 16 of 30 (chance: 5 of 29), 36 % of the top 3 do (chance 17 %).
  it('recommends same-topic posts far above chance, never the seed itself', async () => {
    let top1SameTopic = 0;
    let top3SameTopic = 0;
    for (const topic of TOPICS) {
      for (const seed of idsByTopic.get(topic)!) {
        const similar = await index.recommend('posts', { positive: [seed], limit: 3 });
        expect(similar).toHaveLength(3);
        expect(similar.map((hit) => hit.id)).not.toContain(seed);
        if (similar[0]?.payload.topic === topic) top1SameTopic++;
        top3SameTopic += similar.filter((hit) => hit.payload.topic === topic).length;
      }
    }
    expect(top1SameTopic / 30).toBeGreaterThanOrEqual(0.5);
    expect(top3SameTopic / 90).toBeGreaterThanOrEqual(0.33);
  });
});
