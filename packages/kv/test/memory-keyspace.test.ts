// What the contract cannot see from outside: the memory store reclaims expired keys that nobody reads.
import { describe, expect, it } from '@jest/globals';
import { MemoryKeyspace } from '../src/memory-keyspace.ts';
import { compareMembers } from '../src/memory-sorted-set.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MemoryKeyspace sweep', () => {
  it('reclaims expired keys without them being read, a bounded number per call', async () => {
    const keyspace = new MemoryKeyspace();
    for (let i = 0; i < 10; i++) keyspace.execute({ name: 'set', args: [`short:${i}`, 'x', { ttlMs: 5 }] });
    keyspace.execute({ name: 'set', args: ['long', 'x', { ttlMs: 60_000 }] });
    keyspace.execute({ name: 'set', args: ['forever', 'x'] });
    await sleep(20);
    expect(keyspace.size).toBe(12);
    expect(keyspace.sweep(4)).toBe(4);
    expect(keyspace.size).toBe(8);
    expect(keyspace.sweep(100)).toBe(6);
    expect(keyspace.size).toBe(2);
    expect(keyspace.execute({ name: 'get', args: ['long'] })).toBe('x');
    expect(keyspace.execute({ name: 'get', args: ['forever'] })).toBe('x');
  });
});

describe('compareMembers', () => {
  it('orders like UTF-8 bytes, which differs from JavaScript string order above U+FFFF', () => {
    expect('😀' < '\uE000').toBe(true); // UTF-16 code units: 0xD83D < 0xE000
    expect(compareMembers('😀', '\uE000')).toBeGreaterThan(0); // bytes: F0 9F… > EE 80…
    expect(compareMembers('a', 'ab')).toBeLessThan(0);
    expect(compareMembers('b', 'ab')).toBeGreaterThan(0);
    expect(compareMembers('same', 'same')).toBe(0);
  });
});
