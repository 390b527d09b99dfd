// Normalizes the body of `put` for both adapters: a Buffer as is, a stream only with a declared
// length, and wrapped so that it fails (before the store commits anything) unless it yields exactly
// that many bytes. Without this, minio-js would upload whatever the stream produced.
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { InvalidInputError } from '@scalegram/contracts/errors';
import { assertValidLength } from './object-options.ts';

export interface CheckedBody {
  stream: Readable;
  length: number;
}

export function checkedBody(body: Buffer | Readable, contentLength: number | undefined): CheckedBody {
  if (Buffer.isBuffer(body)) {
    if (contentLength !== undefined && contentLength !== body.length) throw mismatch(body.length, contentLength);
    return { stream: Readable.from([body]), length: body.length };
  }
  if (contentLength === undefined) {
    throw new InvalidInputError('a stream body needs its contentLength', { code: 'content-length-required' });
  }
  assertValidLength(contentLength);
  const exact = new ExactLength(contentLength);
  // pipe() does not forward errors: a failing source must fail the checked stream too.
  body.once('error', (error) => exact.destroy(error));
  return { stream: body.pipe(exact), length: contentLength };
}

class ExactLength extends Transform {
  readonly #expected: number;
  #seen = 0;

  constructor(expected: number) {
    super();
    this.#expected = expected;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#expected) {
      callback(
        new InvalidInputError(`body exceeds the declared ${this.#expected} bytes`, { code: 'content-length-mismatch' }),
      );
    } else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.#seen === this.#expected ? null : mismatch(this.#seen, this.#expected));
  }
}

function mismatch(actual: number, expected: number): InvalidInputError {
  return new InvalidInputError(`body has ${actual} bytes, declared ${expected}`, { code: 'content-length-mismatch' });
}
