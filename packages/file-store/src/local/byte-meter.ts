// A pass-through stream that hashes and counts the bytes of an upload and fails as soon as the
// count exceeds a hard limit, before the excess reaches the disk.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class TooManyBytesError extends Error {
  override name = 'TooManyBytesError';
}

export class ByteMeter extends Transform {
  readonly #md5 = createHash('md5');
  readonly #limit: number;
  bytes = 0;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#limit) {
      callback(new TooManyBytesError(`body exceeds ${this.#limit} bytes`));
      return;
    }
    this.#md5.update(chunk);
    callback(null, chunk);
  }

  /** MD5 of everything that passed, hex: the ETag S3 gives a single-request upload. */
  digest(): string {
    return this.#md5.digest('hex');
  }
}
