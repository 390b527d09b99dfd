// Append-only journal that lets the in-process bus keep its streams across restarts in embedded mode.
// One JSON record per line: stream definitions, stored messages, durable consumers and their
// acknowledgements. On open the file is replayed and then rewritten compactly (only what is still stored),
// so it does not grow across restarts. Records written in the same tick share one write(2) call.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredMessage } from './in-process-stream.ts';
import type { StreamOptions } from './port.ts';

export type JournalRecord =
  | { t: 'stream'; config: StreamOptions; lastSeq?: number }
  | { t: 'msg'; stream: string; message: StoredMessage }
  | { t: 'consumer'; stream: string; durable: string; filterSubjects: string[] }
  | { t: 'settle'; stream: string; durable: string; seq: number };

export interface Journal {
  /** What the file held when it was opened, oldest first. */
  readonly records: readonly JournalRecord[];
  /** Resolves once the record has been handed to the operating system (it survives a process crash). */
  append(record: JournalRecord): Promise<void>;
  /** Replaces the whole file with `records`, atomically (write a temporary file, then rename). */
  rewrite(records: readonly JournalRecord[]): Promise<void>;
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
      batch.lines.push(`${JSON.stringify(record)}\n`);
      return batch.done;
    },
    async rewrite(snapshot) {
      await batch?.done;
      const temporary = `${path}.tmp`;
      await writeFile(temporary, snapshot.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await closeStream(out);
      await rename(temporary, path);
      out = await openForAppend(path);
    },
    async close() {
      await batch?.done;
      await closeStream(out);
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
