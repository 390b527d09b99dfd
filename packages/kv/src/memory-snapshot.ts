// A snapshot of an in-memory keyspace in a file, so that an embedded system keeps its key-value data
// (timelines, projections, caches) across a clean restart, like Redis with an RDB file written at
// shutdown. One JSON record per line; a key's TTL is kept as its absolute deadline, so time spent stopped
// counts and keys that expired meanwhile are not loaded.
//
// Consistency: the snapshot is written when the store closes, after the services using it have stopped,
// so it holds everything they acknowledged. Loading it REMOVES the file: if the process then dies without
// closing, the next start finds nothing and begins empty (the data is a cache, rebuilt on demand) instead
// of loading a snapshot that misses everything written since.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { KeyspaceRecord } from './memory-keyspace.ts';

const VERSION = 1;

export interface MemorySnapshotOptions {
  /** The snapshot file (created at close, consumed at open). */
  file: string;
  /**
   * Keys never written to the snapshot: what must not outlive the process that held it, such as
   * single-flight locks (their owner is gone). Everything else is kept, rate-limit windows included.
   */
  skip?: (key: string) => boolean;
}

/** What a line of the file holds: the header, or a key (sorted-set scores encoded, see below). */
type StoredRecord =
  | Exclude<KeyspaceRecord, { type: 'zset' }>
  | (Omit<Extract<KeyspaceRecord, { type: 'zset' }>, 'value'> & { value: [string, number | string][] });
type Line = { v: number } | StoredRecord;

/** ±Infinity are valid sorted-set scores but not JSON numbers. */
const encodeScore = (score: number): number | string => (Number.isFinite(score) ? score : score > 0 ? 'inf' : '-inf');
const decodeScore = (score: number | string): number =>
  typeof score === 'number' ? score : score === 'inf' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;

/** Writes every live key not skipped to `file`, atomically (a temporary file, then a rename). */
export async function writeSnapshot(
  records: Iterable<KeyspaceRecord>,
  options: MemorySnapshotOptions,
): Promise<number> {
  await mkdir(dirname(options.file), { recursive: true });
  const temporary = `${options.file}.tmp`;
  const out = createWriteStream(temporary, { mode: 0o600 });
  await once(out, 'open');
  let written = 0;
  const write = async (line: Line) => {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  };
  await write({ v: VERSION });
  for (const record of records) {
    if (options.skip?.(record.key)) continue;
    await write(
      record.type === 'zset' ? { ...record, value: record.value.map(([m, s]) => [m, encodeScore(s)]) } : record,
    );
    written++;
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  await rename(temporary, options.file);
  return written;
}

/**
 * Reads the snapshot at `file` and removes it. Undefined when there is none. A file that cannot be read
 * as a snapshot is removed and reported by `onDiscarded`: losing a cache is better than not starting.
 */
export async function takeSnapshot(
  options: MemorySnapshotOptions,
  onDiscarded: (error: Error) => void,
): Promise<KeyspaceRecord[] | undefined> {
  const records: KeyspaceRecord[] = [];
  try {
    const lines = createInterface({
      input: createReadStream(options.file, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let first = true;
    for await (const text of lines) {
      const line = JSON.parse(text) as Line;
      if (first) {
        if (!('v' in line) || line.v !== VERSION) throw new Error(`unknown snapshot version in ${options.file}`);
        first = false;
        continue;
      }
      const record = line as StoredRecord;
      if (typeof record.key !== 'string' || !['string', 'hash', 'zset'].includes(record.type)) {
        throw new Error(`malformed record in ${options.file}`);
      }
      records.push(
        record.type === 'zset'
          ? { ...record, value: record.value.map(([m, s]): [string, number] => [m, decodeScore(s)]) }
          : record,
      );
    }
    if (first) throw new Error(`empty snapshot ${options.file}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    await rm(options.file, { force: true });
    onDiscarded(error as Error);
    return undefined;
  }
  await rm(options.file, { force: true });
  return records;
}
