import { describe, expect, it } from '@jest/globals';
import { isId } from '@scalegram/contracts/ids';
import {
  createIdGenerator,
  decodeId,
  encodeId,
  ID_EPOCH_MS,
  type IdClock,
  idFloorForTime,
} from '../src/id-generator.ts';

/** A clock that only moves when told to (or when the generator sleeps on it). */
function fakeClock(start: number) {
  const sleeps: number[] = [];
  const clock: IdClock & { time: number; sleeps: number[] } = {
    time: start,
    sleeps,
    now: () => clock.time,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0, 0);

describe('id layout', () => {
  it('packs 41 bits of milliseconds, 13 bits of shard and 10 bits of sequence', () => {
    const id = encodeId(1, 2, 3);
    expect(id).toBe((1n << 23n) | (2n << 10n) | 3n);
    expect(decodeId(id)).toEqual({ timestamp: new Date(ID_EPOCH_MS + 1), logicalShard: 2, sequence: 3 });
    expect(decodeId(encodeId(2 ** 40 - 1, 8191, 1023))).toEqual({
      timestamp: new Date(ID_EPOCH_MS + 2 ** 40 - 1),
      logicalShard: 8191,
      sequence: 1023,
    });
  });

  it('uses 2025-01-01 as the epoch and stays a positive signed 64-bit integer until 2059', () => {
    expect(new Date(ID_EPOCH_MS).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    const last = encodeId(2 ** 40 - 1, 8191, 1023);
    expect(last).toBe((1n << 63n) - 1n);
    expect(decodeId(last).timestamp.getUTCFullYear()).toBe(2059);
  });

  it('decodes decimal strings and rejects values that are not 64-bit ids', () => {
    expect(decodeId(encodeId(5, 6, 7).toString()).sequence).toBe(7);
    expect(() => decodeId(-1n)).toThrow(RangeError);
    expect(() => decodeId(1n << 63n)).toThrow(RangeError);
  });
});

describe('id generator', () => {
  it('issues ids carrying the time, the shard and a sequence starting at a random offset', async () => {
    const clock = fakeClock(T0);
    const generator = createIdGenerator({ clock, randomSequenceStart: () => 700 });
    const id = await generator.next(42);
    expect(decodeId(id)).toEqual({ timestamp: new Date(T0), logicalShard: 42, sequence: 700 });
  });

  it('increments the sequence within a millisecond and wraps past 1023', async () => {
    const generator = createIdGenerator({ clock: fakeClock(T0), randomSequenceStart: () => 1022 });
    const sequences = [];
    for (let i = 0; i < 4; i++) sequences.push(decodeId(await generator.next(1)).sequence);
    expect(sequences).toEqual([1022, 1023, 0, 1]);
  });

  it('keeps a separate sequence per logical shard', async () => {
    const generator = createIdGenerator({ clock: fakeClock(T0), randomSequenceStart: () => 0 });
    expect(decodeId(await generator.next(1)).sequence).toBe(0);
    expect(decodeId(await generator.next(2)).sequence).toBe(0);
    expect(decodeId(await generator.next(1)).sequence).toBe(1);
  });

  it('issues exactly 1024 ids per millisecond, then waits for the next millisecond', async () => {
    const clock = fakeClock(T0);
    const generator = createIdGenerator({ clock, randomSequenceStart: () => 300 });
    const ids = new Set<bigint>();
    for (let i = 0; i < 1024; i++) ids.add(await generator.next(9));
    expect(ids.size).toBe(1024);
    expect(new Set([...ids].map((id) => decodeId(id).timestamp.getTime()))).toEqual(new Set([T0]));
    expect(clock.sleeps).toEqual([]);
    const next = await generator.next(9);
    expect(clock.sleeps).toEqual([1]);
    expect(decodeId(next)).toMatchObject({ timestamp: new Date(T0 + 1), sequence: 300 });
  });

  it('never issues ids from the past when the clock goes backwards', async () => {
    const clock = fakeClock(T0);
    const generator = createIdGenerator({ clock, randomSequenceStart: () => 1000 });
    const before = await generator.next(3);
    clock.time = T0 - 5; // NTP stepped the clock back 5 ms
    const after = await generator.next(3);
    expect(decodeId(after)).toMatchObject({ timestamp: new Date(T0), sequence: 1001 });
    expect(after > before).toBe(true);
    // Once the last millisecond's sequence is used up it waits until the clock has caught up.
    for (let i = 0; i < 1022; i++) await generator.next(3);
    const caughtUp = await generator.next(3);
    expect(clock.sleeps).toEqual([6]);
    expect(decodeId(caughtUp).timestamp).toEqual(new Date(T0 + 1));
  });

  it('refuses to wait for a clock that jumped far backwards', async () => {
    const clock = fakeClock(T0);
    const generator = createIdGenerator({ clock, randomSequenceStart: () => 0, maxClockBackwardsMs: 1_000 });
    for (let i = 0; i < 1024; i++) await generator.next(0);
    clock.time = T0 - 60_000;
    await expect(generator.next(0)).rejects.toThrow(/backwards by 60000 ms/);
  });

  it('produces ids that sort by creation time across milliseconds', async () => {
    const clock = fakeClock(T0);
    const generator = createIdGenerator({ clock, randomSequenceStart: () => Math.floor(Math.random() * 1024) });
    const ids: bigint[] = [];
    for (let ms = 0; ms < 50; ms++) {
      clock.time = T0 + ms;
      ids.push(await generator.next(ms % 8192));
    }
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    expect(idFloorForTime(new Date(T0 + 10)) <= (ids[10] as bigint)).toBe(true);
    expect(idFloorForTime(new Date(T0 + 10)) > (ids[9] as bigint)).toBe(true);
  });

  it('lets two replicas on one shard share a millisecond without collision when their offsets differ', async () => {
    const a = createIdGenerator({ clock: fakeClock(T0), randomSequenceStart: () => 0 });
    const b = createIdGenerator({ clock: fakeClock(T0), randomSequenceStart: () => 512 });
    const ids = new Set<bigint>();
    for (let i = 0; i < 100; i++) {
      ids.add(await a.next(7));
      ids.add(await b.next(7));
    }
    expect(ids.size).toBe(200);
  });

  it('rejects logical shards outside 0..8191 and clocks outside the id range', async () => {
    const generator = createIdGenerator({ clock: fakeClock(T0) });
    await expect(generator.next(8192)).rejects.toThrow(RangeError);
    await expect(generator.next(-1)).rejects.toThrow(RangeError);
    await expect(generator.next(1.5)).rejects.toThrow(RangeError);
    const early = createIdGenerator({ clock: fakeClock(ID_EPOCH_MS - 1) });
    await expect(early.next(0)).rejects.toThrow(RangeError);
    const late = createIdGenerator({ clock: fakeClock(ID_EPOCH_MS + 2 ** 40) });
    await expect(late.next(0)).rejects.toThrow(RangeError);
  });

  it('generates unique ids with the real clock and formats them as contract ids', async () => {
    const generator = createIdGenerator();
    const ids = new Set<string>();
    for (let i = 0; i < 5_000; i++) ids.add(await generator.nextString(123));
    expect(ids.size).toBe(5_000);
    for (const id of [...ids].slice(0, 10)) expect(isId(id)).toBe(true);
  });
});
