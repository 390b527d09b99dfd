// The index's write rules in isolation (embedded index, no bus): the interleavings a single consumer
// cannot produce but two replicas — or a replica and the re-index — can.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { createEmbeddedIndex } from '@scalegram/vector/embedded-index';
import { createHashingEmbedder } from '@scalegram/vector/hashing-embedder';
import type { SearchContext } from '../src/search-context.ts';
import { indexNames } from '../src/store/index-names.ts';
import { type IndexablePost, indexPosts, preparePosts, removePost, writePosts } from '../src/store/index-writes.ts';
import { EmbedderMismatchError, openPostIndex } from '../src/store/open-post-index.ts';
import { pruneTombstones, TOMBSTONE_RETENTION_MS } from '../src/store/tombstone-sweep.ts';

let context: SearchContext;
const post = (postId: string, text: string, version: number): IndexablePost => ({
  postId,
  authorId: '9',
  text,
  createdAtMs: undefined,
  version,
});

beforeEach(async () => {
  const embedder = createHashingEmbedder();
  context = { index: await createEmbeddedIndex(), embedder, names: indexNames('posts'), minScore: 0.1 };
  await openPostIndex(context.index, embedder, context.names);
});

const stored = async (id: string) => (await context.index.get(context.names.live, [id]))[0]?.payload;

describe('index writes', () => {
  it('a delete that lands between a writer’s tombstone check and its upsert still wins', async () => {
    const prepared = await preparePosts(context, [post('100', 'Orchids on the windowsill', 1)]); // no tombstone yet
    await removePost(context, '100', 2); // another replica: tombstone, then delete (nothing to delete yet)
    await writePosts(context, context.names.live, prepared); // upserts, checks again, removes its own write
    expect(await stored('100')).toBeUndefined();
    await indexPosts(context, [post('100', 'Orchids again', 3)]);
    expect(await stored('100')).toBeUndefined();
  });

  it('keeps the newest version whatever the order, and the creation time from the id or the first write', async () => {
    const id = ((1n << 62n) + 5n).toString(); // a post id whose timestamp bits say 2025-01-01 + 2^39 ms
    await indexPosts(context, [post(id, 'Second draft about sailing', 20)]); // the update arrives first
    expect(await stored(id)).toEqual({ authorId: '9', createdAt: Date.UTC(2025, 0, 1) + 2 ** 39, version: 20 });
    await indexPosts(context, [{ ...post(id, 'First draft about skiing', 10), createdAtMs: 123 }]); // the create, late
    expect(await stored(id)).toMatchObject({ version: 20 });
    const [hit] = await context.index.search(context.names.live, {
      vector: (await context.embedder.embed(['sailing']))[0]!,
      limit: 1,
    });
    expect(hit?.id).toBe(id);
    await indexPosts(context, [post(id, 'Third draft about sailing boats', 30)]);
    expect(await stored(id)).toMatchObject({ version: 30, createdAt: Date.UTC(2025, 0, 1) + 2 ** 39 });
  });

  it('writes to the re-index’s collection only while its alias exists', async () => {
    await indexPosts(context, [post('7', 'Before the rebuild', 1)]);
    await context.index.ensureCollection('posts--building', { dimension: 384, distance: 'cosine' });
    await context.index.setAlias(context.names.next, 'posts--building');
    await indexPosts(context, [post('8', 'During the rebuild', 1)]);
    await removePost(context, '7', 2);
    expect((await context.index.get('posts--building', ['7', '8'])).map((p) => p.id)).toEqual(['8']);
    expect((await context.index.get(context.names.live, ['7', '8'])).map((p) => p.id)).toEqual(['8']);
  });
});

describe('tombstone sweep', () => {
  it('removes the tombstones older than the cut-off, in batches, and keeps the rest', async () => {
    for (const [id, at] of [
      ['1', 1_000],
      ['2', 2_000],
      ['3', 3_000],
      ['4', 4_000],
    ] as const)
      await removePost(context, id, at);
    expect(await pruneTombstones(context, 3_000, 1)).toBe(2);
    expect((await context.index.get(context.names.tombstones, ['1', '2', '3', '4'])).map((p) => p.id)).toEqual([
      '3',
      '4',
    ]);
    expect(await pruneTombstones(context, 3_000)).toBe(0);
    expect(TOMBSTONE_RETENTION_MS).toBeGreaterThan(7 * 24 * 60 * 60 * 1000); // longer than POSTS keeps events
  });
});

describe('opening the index', () => {
  it('replicas starting together converge on one collection; another embedder is refused', async () => {
    const index = await createEmbeddedIndex();
    const embedder = createHashingEmbedder();
    const names = indexNames('posts');
    const [a, b] = await Promise.all([openPostIndex(index, embedder, names), openPostIndex(index, embedder, names)]);
    expect(a).toBe('posts--hashing-v1-384--initial');
    expect(b).toBe(a);
    expect(await index.resolveAlias('posts')).toBe(a);
    await expect(openPostIndex(index, createHashingEmbedder({ dimension: 128 }), names)).rejects.toBeInstanceOf(
      EmbedderMismatchError,
    );
  });
});
