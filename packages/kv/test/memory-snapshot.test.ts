// The memory store with a snapshot: the whole key-value contract, then what a restart keeps (every type,
// TTLs as deadlines, rate-limit windows) and what it must not (skipped keys such as locks, anything after
// an unclean stop, a file that is not a snapshot).

import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openMemoryStore } from '../src/memory-store.ts';
import { describeKeyValueContract } from './contract/kv-contract.ts';
import { sleep } from './contract/sleep.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kv-snapshot-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let suiteFiles = 0;
describeKeyValueContract('memory with a snapshot', async () =>
  openMemoryStore({ snapshot: { file: join(dir, `contract-${suiteFiles++}.jsonl`) } }),
);

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('memory store snapshot across a restart', () => {
  it('keeps strings, hashes and sorted sets (±inf scores too) with their TTLs, and skips what it is told to', async () => {
    const file = join(dir, 'restart.jsonl');
    const options = { snapshot: { file, skip: (key: string) => key.startsWith('lk:') } };
    const first = await openMemoryStore(options);
    await first.set('s', 'text ✓');
    await first.set('ttl', 'v', { ttlMs: 60_000 });
    await first.hset('h', { a: '1', b: '2' });
    await first.zadd('tl:1', [
      { member: 'x', score: 3 },
      { member: 'y', score: Number.POSITIVE_INFINITY },
      { member: 'z', score: Number.NEGATIVE_INFINITY },
      { member: '𝄞', score: 3 },
    ]);
    await first.expire('tl:1', 60_000);
    await first.set('lk:1', 'owner', { onlyIfAbsent: true, ttlMs: 60_000 });
    await first.close();
    expect(await exists(file)).toBe(true);

    const second = await openMemoryStore(options);
    expect(await exists(file)).toBe(false); // consumed: an unclean stop from here on starts empty
    expect(await second.get('s')).toBe('text ✓');
    expect(await second.hgetall('h')).toEqual({ a: '1', b: '2' });
    expect(await second.zrange('tl:1', 0, -1)).toEqual([
      { member: 'z', score: Number.NEGATIVE_INFINITY },
      { member: 'x', score: 3 },
      { member: '𝄞', score: 3 },
      { member: 'y', score: Number.POSITIVE_INFINITY },
    ]);
    expect(await second.ttl('s')).toBe(-1);
    const ttl = await second.ttl('ttl');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await second.ttl('tl:1')).toBeGreaterThan(0);
    expect(await second.get('lk:1')).toBeNull();
    // The skipped lock is free for the new process.
    expect(await second.set('lk:1', 'new owner', { onlyIfAbsent: true, ttlMs: 1_000 })).toBe(true);
    await second.close();
  });

  it('keeps a rate-limit window: the count goes on, and the window ends when it would have', async () => {
    const file = join(dir, 'rate.jsonl');
    const limit = { limit: 3, windowMs: 60_000 };
    const first = await openMemoryStore({ snapshot: { file } });
    await first.rateLimit('rl:u', limit);
    await first.rateLimit('rl:u', limit);
    await first.close();
    const second = await openMemoryStore({ snapshot: { file } });
    const third = await second.rateLimit('rl:u', limit);
    expect(third).toMatchObject({ allowed: true, remaining: 0 });
    expect(third.resetMs).toBeLessThanOrEqual(60_000);
    expect((await second.rateLimit('rl:u', limit)).allowed).toBe(false);
    await second.close();
  });

  it('does not load a key whose TTL ran out while the store was closed', async () => {
    const file = join(dir, 'expired.jsonl');
    const first = await openMemoryStore({ snapshot: { file } });
    await first.set('short', 'v', { ttlMs: 30 });
    await first.set('long', 'v');
    await first.close();
    await sleep(60);
    const second = await openMemoryStore({ snapshot: { file } });
    expect(await second.get('short')).toBeNull();
    expect(await second.ttl('short')).toBe(-2);
    expect(await second.get('long')).toBe('v');
    await second.close();
  });

  it('starts empty after an unclean stop (no close, so no snapshot), never from an older one', async () => {
    const file = join(dir, 'crash.jsonl');
    const clean = await openMemoryStore({ snapshot: { file } });
    await clean.set('k', 'old');
    await clean.close();
    const crashed = await openMemoryStore({ snapshot: { file } });
    await crashed.set('k', 'new');
    // The process dies here: `crashed` is never closed.
    const next = await openMemoryStore({ snapshot: { file } });
    expect(await next.get('k')).toBeNull();
    await next.close();
    await crashed.close();
  });

  it('discards a file that is not a snapshot, says so, and starts empty', async () => {
    const file = join(dir, 'corrupt.jsonl');
    const discarded: Error[] = [];
    for (const content of ['not json\n', '{"v":99}\n', '{"v":1}\n{"key":1,"type":"string","value":"x"}\n', '']) {
      await writeFile(file, content);
      const store = await openMemoryStore({ snapshot: { file }, onSnapshotDiscarded: (e) => discarded.push(e) });
      expect(await exists(file)).toBe(false);
      expect(await store.get('x')).toBeNull();
      await store.set('x', 'fresh');
      expect(await store.get('x')).toBe('fresh');
      await store.close();
      await rm(file, { force: true });
    }
    expect(discarded).toHaveLength(4);
  });

  it('starts empty when there is no snapshot yet', async () => {
    const store = await openMemoryStore({ snapshot: { file: join(dir, 'none', 'kv.jsonl') } });
    expect(await store.get('anything')).toBeNull();
    await store.set('a', 'b');
    await store.close();
    expect(await exists(join(dir, 'none', 'kv.jsonl'))).toBe(true);
  });
});
