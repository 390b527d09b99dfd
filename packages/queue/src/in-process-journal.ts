// Append-only journal that lets the in-process bus keep its streams across restarts in embedded mode.
// One JSON record per line: stream definitions, stored messages, durable consumers and their
// acknowledgements. On open the file is replayed and then rewritten compactly (only what is still stored),
// so it does not grow across restarts. Records written in the same tick share one write(2) call.
// Every record's byte position is known, so the broker can drop a stored message's payload from memory
// once it is on disk and read it back from here if a consumer ever asks for it again (as JetStream's file
// store does).
import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, readSync, statSync, type WriteStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredMessage } from './in-process-stream.ts';
import type { StreamOptions } from './port.ts';

export type JournalRecord =
  | { t: 'stream'; config: StreamOptions; lastSeq?: number }
  | { t: 'msg'; stream: string; message: StoredMessage }
  | { t: 'consumer'; stream: string; durable: string; filterSubjects: string[] }
  | { t: 'settle'; stream: string; durable: string; seq: number };

/** Where a record sits in the current file. */
export interface JournalPosition {
  offset: number;
  length: number;
}

export interface Journal {
  /** What the file held when it was opened, oldest first. */
  readonly records: readonly JournalRecord[];
  /**
   * Resolves with the record's position once it has been handed to the operating system (it survives a
   * process crash); the position is undefined after an earlier write failed (until the next rewrite).
   */
  append(record: JournalRecord): Promise<JournalPosition | undefined>;
  /**
   * Replaces the whole file with `records`, atomically (write a temporary file, then rename). Resolves with
   * each record's position in the new file.
   */
  rewrite(records: readonly JournalRecord[]): Promise<JournalPosition[]>;
  /** The record at `position` (written by `append` or `rewrite` since the last rewrite). */
  read(position: JournalPosition): JournalRecord;
  close(): Promise<void>;
}

export async function openJournal(dataDir: string): Promise<Journal> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, 'bus.jsonl');
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const records = parse(text);
  let out: WriteStream = await openForAppend(path);
  let reader = openSync(path, 'r');
  // Bytes in the file plus bytes queued for it: the offset of the next record appended.
  let end = statSync(path).size;
  let batch: { lines: string[]; done: Promise<void> } | undefined;

  return {
    records,
    append(record) {
      if (!batch) {
        const current = { lines: [] as string[], done: Promise.resolve() };
        current.done = new Promise<void>((resolve, reject) => {
          setImmediate(() => {
            batch = undefined;
            out.write(current.lines.join(''), (err) => (err ? reject(err) : resolve()));
          });
        });
        batch = current;
      }
      const line = `${JSON.stringify(record)}\n`;
      const position = { offset: end, length: Buffer.byteLength(line) };
      end += position.length;
      batch.lines.push(line);
      return batch.done.then(
        () => (Number.isNaN(position.offset) ? undefined : position),
        (err: unknown) => {
          // What failed to be written may be partly in the file: positions from here on are unknown, so
          // nothing more is read back from this file (payloads stay in memory) until the next rewrite.
          end = Number.NaN;
          throw err;
        },
      );
    },
    async rewrite(snapshot) {
      await batch?.done;
      const temporary = `${path}.tmp`;
      const lines = snapshot.map((r) => `${JSON.stringify(r)}\n`);
      const positions: JournalPosition[] = [];
      let offset = 0;
      for (const line of lines) {
        const length = Buffer.byteLength(line);
        positions.push({ offset, length });
        offset += length;
      }
      await writeFile(temporary, lines.join(''));
      await closeStream(out);
      await rename(temporary, path);
      out = await openForAppend(path);
      closeSync(reader);
      reader = openSync(path, 'r');
      end = offset;
      return positions;
    },
    read({ offset, length }) {
      if (Number.isNaN(end))
        throw new Error('bus journal: a write failed; positions are unknown until it is rewritten');
      // Synchronous: a few hundred bytes, nearly always from the page cache, read only when a consumer
      // needs a message whose payload was dropped from memory.
      const buffer = Buffer.allocUnsafe(length);
      const got = readSync(reader, buffer, 0, length, offset);
      if (got !== length) throw new Error(`bus journal: short read at ${offset}`);
      return JSON.parse(buffer.toString('utf8')) as JournalRecord;
    },
    async close() {
      await batch?.done;
      await closeStream(out);
      closeSync(reader);
    },
  };
}

/** A crash can leave the last line half written; everything before it is intact and is kept. */
function parse(text: string): JournalRecord[] {
  const lines = text.split('\n').filter((line) => line.length > 0);
  const records: JournalRecord[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (err) {
      if (i === lines.length - 1) break;
      throw new Error(`corrupt bus journal at line ${i + 1}`, { cause: err });
    }
  }
  return records;
}

async function openForAppend(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: 'a' });
  await once(stream, 'open');
  return stream;
}

async function closeStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}
