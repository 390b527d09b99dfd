import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { buildSocialGraph } from '../src/graph/social-graph.ts';
import { createRng } from '../src/rng.ts';
import { forEachConcurrent } from '../src/seed/concurrency.ts';
import { generateSeedImage, seedImageSvg } from '../src/seed/seed-images.ts';
import { pickEngagers, seedDisplayName, seedUsername } from '../src/seed/seed-social-network.ts';
import { readSeedState, type SeedState, stateMatches, writeSeedState } from '../src/seed/seed-state.ts';
import { commentText, postText } from '../src/seed/seed-text.ts';
import { createSeedProgressBar } from '../src/seed-progress.ts';

describe('seed images', () => {
  it('are real PNG and JPEG files of the stated size, decodable by libvips', async () => {
    const png = await generateSeedImage({ seed: 3 });
    const jpeg = await generateSeedImage({ seed: 4 });
    expect(png.contentType).toBe('image/png');
    expect(jpeg.contentType).toBe('image/jpeg');
    const pngMeta = await sharp(png.bytes).metadata();
    const jpegMeta = await sharp(jpeg.bytes).metadata();
    expect([pngMeta.format, pngMeta.width, pngMeta.height]).toEqual(['png', png.width, png.height]);
    expect([jpegMeta.format, jpegMeta.width, jpegMeta.height]).toEqual(['jpeg', jpeg.width, jpeg.height]);
  });

  it('are a pure function of the seed, and differ between seeds', () => {
    expect(seedImageSvg(11, 100, 100)).toBe(seedImageSvg(11, 100, 100));
    expect(seedImageSvg(11, 100, 100)).not.toBe(seedImageSvg(12, 100, 100));
  });
});

describe('seed text', () => {
  it('stays within the post and comment limits', () => {
    const rng = createRng(5);
    for (let i = 0; i < 2_000; i++) {
      const post = postText(rng);
      const comment = commentText(rng);
      expect(post.length).toBeGreaterThan(0);
      expect(post.length).toBeLessThanOrEqual(255);
      expect(comment.length).toBeGreaterThan(0);
      expect(comment.length).toBeLessThanOrEqual(255);
    }
  });

  it('usernames and display names are valid and deterministic', () => {
    expect(seedUsername('user_', 961)).toMatch(/^[A-Za-z0-9_.]{3,30}$/);
    expect(seedDisplayName(42)).toBe(seedDisplayName(42));
    expect(seedDisplayName(42).length).toBeLessThanOrEqual(50);
  });
});

describe('engagers', () => {
  const graph = buildSocialGraph(6, [
    [0, 1],
    [0, 2],
    [0, 3],
  ]);

  it('likes come from distinct followers of the author, at most one each', () => {
    const likers = pickEngagers(graph, 0, 10, createRng(1), true);
    expect(likers.sort()).toEqual([1, 2, 3]);
  });

  it('comments may repeat a follower; an author without followers gets anyone but themself', () => {
    expect(pickEngagers(graph, 0, 5, createRng(1), false)).toHaveLength(5);
    const strangers = pickEngagers(graph, 4, 50, createRng(2), false);
    expect(strangers).not.toContain(4);
    expect(Math.max(...strangers)).toBeLessThan(6);
  });
});

describe('bounded concurrency', () => {
  it('runs every task with at most N at once', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachConcurrent([1, 2, 3, 4, 5, 6, 7], 3, async (task) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(task);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops starting tasks after a failure and rethrows it', async () => {
    const started: number[] = [];
    const run = forEachConcurrent([1, 2, 3, 4, 5], 1, async (task) => {
      started.push(task);
      if (task === 2) throw new Error('boom');
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });
});

describe('seed state file', () => {
  it('round-trips, is private to its owner, and matches only the same population', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seed-state-'));
    try {
      const path = join(dir, 'state.json');
      expect(await readSeedState(path)).toBeUndefined();
      const state: SeedState = {
        version: 1,
        target: 'http://127.0.0.1:8080',
        graph: 'reed98',
        usernamePrefix: 'user_',
        complete: true,
        postsPerUser: 0,
        updatedAt: new Date().toISOString(),
        users: [
          {
            index: 0,
            id: '1',
            username: 'user_0',
            password: 'pw-123456',
            accessToken: 'a',
            refreshToken: 'r',
            accessTokenExpiresAt: 0,
          },
        ],
      };
      await writeSeedState(path, state);
      expect(await readSeedState(path)).toEqual(state);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const wanted = { target: 'http://127.0.0.1:8080/', graph: 'reed98', usernamePrefix: 'user_', users: 1 };
      expect(stateMatches(state, wanted)).toBe(true);
      expect(stateMatches(state, { ...wanted, graph: 'ba:1000:20:1' })).toBe(false);
      expect(stateMatches(state, { ...wanted, target: 'http://127.0.0.1:9999' })).toBe(false);
      // `npm start` may name its gateway localhost; the CLI's default is 127.0.0.1: the same system.
      expect(stateMatches(state, { ...wanted, target: 'http://localhost:8080' })).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('seeding progress bar', () => {
  it('draws one bar per phase, with counts, on a stream that is not a terminal', () => {
    const stream = new PassThrough();
    let output = '';
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const bar = createSeedProgressBar(stream as unknown as NodeJS.WriteStream);
    bar.update('users', 0, 3);
    bar.update('users', 3, 3);
    bar.update('likes', 0, 0);
    bar.update('follows', 0, 8);
    bar.update('follows', 8, 8);
    bar.stop();
    expect(output).toMatch(/seed users\s+\[[^\]]+\] 3\/3 100%/);
    expect(output).toMatch(/seed follows\s+\[[^\]]+\] 8\/8 100%/);
    expect(output).not.toContain('seed likes');
  });
});
