// Reading the original from the store, never more than the size the client declared (and the upload
// URL bound). The store's own size is checked first, but the stream is counted too: an object replaced
// after "complete" must not make the worker read an unbounded amount.
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FailureReason, MediaRejectedError } from '../domain/failure-reason.ts';

function tooLarge(limit: number): MediaRejectedError {
  return new MediaRejectedError(FailureReason.sizeMismatch, `the original is larger than the declared ${limit} bytes`);
}

async function* counted(body: Readable, limit: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    total += bytes.length;
    if (total > limit) {
      body.destroy();
      throw tooLarge(limit);
    }
    yield bytes;
  }
}

/** The whole body in memory (images: at most the image limit, 20 MB by default). */
export async function readBounded(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of counted(body, limit)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The body streamed to `path` (videos: up to 200 MB, which does not belong in memory). */
export async function writeBounded(body: Readable, limit: number, path: string): Promise<void> {
  await pipeline(counted(body, limit), createWriteStream(path, { mode: 0o600 }));
}
