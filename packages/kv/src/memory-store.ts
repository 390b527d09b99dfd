// The embedded adapter: the whole keyspace in this process's memory. Same semantics as the Redis adapter
// (the contract suite proves it), no server. Without a snapshot a restart starts empty; with one
// (`openMemoryStore`), a clean close writes the keyspace to a file that the next open loads (see
// memory-snapshot.ts and ADR 0007).
import { UnavailableError } from '@scalegram/contracts/errors';
import { checkRateLimitOptions } from './argument-checks.ts';
import { bindCommands, type CommandCall, createBatch } from './command-call.ts';
import { MemoryKeyspace } from './memory-keyspace.ts';
import { type MemorySnapshotOptions, takeSnapshot, writeSnapshot } from './memory-snapshot.ts';
import type { KeyValueStore } from './port.ts';

export interface MemoryStoreOptions {
  /**
   * Accepted for symmetry with the Redis adapter. Each memory store has a private keyspace, so the prefix
   * changes nothing observable; two stores never see each other's keys, prefix or not.
   */
  keyPrefix?: string;
  /** How often expired keys nobody reads are reclaimed. Default 1000 ms. */
  sweepIntervalMs?: number;
  /** At most this many keys with a TTL are examined per sweep, so a tick never stalls the event loop. */
  sweepBudget?: number;
}

export interface PersistentMemoryStoreOptions extends MemoryStoreOptions {
  snapshot: MemorySnapshotOptions;
  /** A snapshot file that could not be read was discarded (the store starts empty). */
  onSnapshotDiscarded?: (error: Error) => void;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): KeyValueStore {
  return storeOver(new MemoryKeyspace(), options, undefined);
}

/** A memory store that starts from the snapshot in `options.snapshot.file`, if any, and writes one when closed. */
export async function openMemoryStore(options: PersistentMemoryStoreOptions): Promise<KeyValueStore> {
  const keyspace = new MemoryKeyspace();
  const records = await takeSnapshot(options.snapshot, options.onSnapshotDiscarded ?? (() => undefined));
  for (const record of records ?? []) keyspace.restore(record);
  return storeOver(keyspace, options, options.snapshot);
}

function storeOver(
  keyspace: MemoryKeyspace,
  options: MemoryStoreOptions,
  snapshot: MemorySnapshotOptions | undefined,
): KeyValueStore {
  let closed: Promise<void> | undefined;

  const sweeper = setInterval(() => keyspace.sweep(options.sweepBudget ?? 1000), options.sweepIntervalMs ?? 1000);
  sweeper.unref(); // the sweep alone must never keep the process alive

  function ensureOpen(): void {
    if (closed !== undefined) throw new UnavailableError('key-value store is closed', { code: 'kv-closed' });
  }

  // Batches run synchronously, so nothing interleaves with them. Like MULTI/EXEC, a failing command does
  // not stop the others; the first failure is reported once all have run.
  function executeAll(calls: readonly CommandCall[]): unknown[] {
    const results: unknown[] = [];
    let failure: unknown;
    let failed = false;
    for (const call of calls) {
      try {
        results.push(keyspace.execute(call));
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
        results.push(undefined);
      }
    }
    if (failed) throw failure;
    return results;
  }

  return {
    ...bindCommands(async (call) => {
      ensureOpen();
      return keyspace.execute(call);
    }),
    batch: () =>
      createBatch(async (calls) => {
        ensureOpen();
        return executeAll(calls);
      }),
    async rateLimit(key, limitOptions) {
      checkRateLimitOptions(limitOptions);
      ensureOpen();
      return keyspace.rateLimit(key, limitOptions);
    },
    async ping() {
      ensureOpen();
    },
    close() {
      closed ??= (async () => {
        clearInterval(sweeper);
        try {
          if (snapshot !== undefined) await writeSnapshot(keyspace.records(), snapshot);
        } finally {
          keyspace.clear();
        }
      })();
      return closed;
    },
  };
}
