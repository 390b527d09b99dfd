// Persistence details of the embedded index beyond the contract's "reopen sees the data".
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEmbeddedIndex } from '../src/embedded-index.ts';

let root: string;
let n = 0;
const freshDirectory = () => join(root, `dir-${n++}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scalegram-vector-persist-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('embedded index persistence', () => {
  it('snapshots shortly after writes, without waiting for close', async () => {
    const directory = freshDirectory();
    const first = await createEmbeddedIndex({ directory, snapshotDelayMs: 20 });
    await first.ensureCollection('posts', { dimension: 2, distance: 'cosine' });
    await first.upsert('posts', [{ id: '5', vector: [1, 0], payload: { a: 1 } }]);
    // Wait for the debounced snapshot to appear (rename makes it appear complete or not at all); from
    // then on a crash of `first` would not lose the point.
    const deadline = Date.now() + 2_000;
    while (!(await readdir(directory)).includes('posts.sgvec') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const second = await createEmbeddedIndex({ directory });
    expect(await second.get('posts', ['5'])).toEqual([{ id: '5', payload: { a: 1 } }]);
    await second.close();
    await first.close();
  });

  it('removes the snapshot file of a deleted collection', async () => {
    const directory = freshDirectory();
    const index = await createEmbeddedIndex({ directory });
    await index.ensureCollection('gone', { dimension: 2, distance: 'cosine' });
    await index.ensureCollection('kept', { dimension: 2, distance: 'cosine' });
    await index.close();
    const again = await createEmbeddedIndex({ directory });
    await again.deleteCollection('gone');
    await again.close();
    expect((await readdir(directory)).sort()).toEqual(['kept.sgvec']);
  });

  it('ignores and removes temporary files a crash left behind', async () => {
    const directory = freshDirectory();
    const index = await createEmbeddedIndex({ directory });
    await index.ensureCollection('posts', { dimension: 2, distance: 'cosine' });
    await index.close();
    await writeFile(join(directory, 'posts.sgvec.123-abcd.tmp'), 'half a snapshot');
    const reopened = await createEmbeddedIndex({ directory });
    expect(await reopened.count('posts')).toBe(0);
    expect(await readdir(directory)).toEqual(['posts.sgvec']);
    await reopened.close();
  });

  it('refuses to open over a corrupt snapshot rather than silently dropping data', async () => {
    const directory = freshDirectory();
    const index = await createEmbeddedIndex({ directory });
    await index.ensureCollection('posts', { dimension: 2, distance: 'cosine' });
    await index.close();
    await writeFile(join(directory, 'posts.sgvec'), 'not a snapshot');
    await expect(createEmbeddedIndex({ directory })).rejects.toThrow(/not a vector snapshot/);
  });

  it('keeps a memory-only index when no directory is given', async () => {
    const index = await createEmbeddedIndex();
    await index.ensureCollection('posts', { dimension: 2, distance: 'cosine' });
    await index.upsert('posts', [{ id: '1', vector: [0, 1], payload: {} }]);
    expect(await index.count('posts')).toBe(1);
    await index.close();
    await expect(index.count('posts')).rejects.toThrow(/closed/);
  });
});
