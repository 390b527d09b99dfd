// The local store's objects on disk (layout in ./local-layout.ts). A write streams into a temporary
// file, renames it to a fresh blob, then atomically replaces the small `~meta.json` record that points
// at it: the rename of that record is the commit point, so readers see the old version or the new one,
// never a mixture, and a failed or aborted upload leaves nothing but a deleted temporary file.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError, NotFoundError } from '@scalegram/contracts/errors';
import type { ObjectInfo, ObjectMetadata, StoredObject } from '../port.ts';
import { ByteMeter, TooManyBytesError } from './byte-meter.ts';
import type { LocalLayout } from './local-layout.ts';
import { KeyedLock } from './object-lock.ts';

interface MetaRecord {
  contentType: string;
  contentLength: number;
  etag: string;
  lastModified: string;
  metadata: ObjectMetadata;
  blob: string;
}

export interface WriteOptions {
  contentType: string;
  metadata?: ObjectMetadata;
  /** When set, a body of any other length is refused and nothing is stored. */
  expectedLength?: number;
  /** Hard limit: the write aborts as soon as the body grows past it. */
  maxBytes?: number;
  /** Create only: refused with ObjectExistsError (nothing stored) if the key holds an object at commit. */
  ifAbsent?: boolean;
}

/** A create-only write found an object at its key. */
export class ObjectExistsError extends Error {
  override name = 'ObjectExistsError';
}

export class LocalObjects {
  readonly #layout: LocalLayout;
  readonly #lock = new KeyedLock();

  constructor(layout: LocalLayout) {
    this.#layout = layout;
  }

  async ensureDirectories(): Promise<void> {
    await mkdir(this.#layout.objectsDir, { recursive: true });
    await mkdir(this.#layout.tmpDir, { recursive: true });
  }

  async write(key: string, body: Readable, options: WriteOptions): Promise<ObjectInfo> {
    const limit = Math.min(
      options.expectedLength ?? Number.POSITIVE_INFINITY,
      options.maxBytes ?? Number.POSITIVE_INFINITY,
    );
    const meter = new ByteMeter(limit);
    const tmp = this.#layout.tmpPath(randomUUID());
    try {
      await pipeline(body, meter, createWriteStream(tmp, { flags: 'wx' }));
      if (options.expectedLength !== undefined && meter.bytes !== options.expectedLength) {
        throw new InvalidInputError(`body has ${meter.bytes} bytes, expected ${options.expectedLength}`, {
          code: 'content-length-mismatch',
        });
      }
    } catch (error) {
      await rm(tmp, { force: true });
      if (error instanceof TooManyBytesError) {
        const code = limit === options.expectedLength ? 'content-length-mismatch' : 'too-large';
        throw new InvalidInputError(`body is larger than ${limit} bytes`, { code });
      }
      throw error;
    }
    const record: MetaRecord = {
      contentType: options.contentType,
      contentLength: meter.bytes,
      etag: meter.digest(),
      lastModified: new Date().toISOString(),
      metadata: { ...options.metadata },
      blob: randomUUID(),
    };
    await this.#lock.run(key, async () => {
      const metaPath = this.#layout.metaPath(key);
      const blobPath = this.#layout.blobPath(key, record.blob);
      const tmpMeta = this.#layout.tmpPath(randomUUID());
      let previous: MetaRecord | undefined;
      try {
        await mkdir(dirname(metaPath), { recursive: true });
        previous = await this.#readRecord(key);
        if (previous && options.ifAbsent) throw new ObjectExistsError(`an object exists at ${key}`);
        await rename(tmp, blobPath);
        await writeFile(tmpMeta, JSON.stringify(record), { flag: 'wx' });
        await rename(tmpMeta, metaPath); // the commit point
      } catch (error) {
        // Not committed: the previous version (if any) is untouched; remove what this write left.
        await Promise.all([tmp, blobPath, tmpMeta].map((path) => rm(path, { force: true })));
        throw error;
      }
      if (previous) await rm(this.#layout.blobPath(key, previous.blob), { force: true });
    });
    return toInfo(key, record);
  }

  async head(key: string): Promise<ObjectInfo> {
    const record = await this.#readRecord(key);
    if (!record) throw notFound(key);
    return toInfo(key, record);
  }

  /** The object with its bytes streamed. */
  async read(key: string): Promise<StoredObject> {
    const { info, file } = await this.open(key);
    return { ...info, body: file.createReadStream() };
  }

  /**
   * Opens the current version of an object: the caller streams (part of) it from `file`, or closes
   * it. An open file stays readable even if a concurrent overwrite deletes it, so the bytes always
   * match `info`.
   */
  async open(key: string): Promise<{ info: ObjectInfo; file: FileHandle }> {
    // The blob may be deleted between reading the record and opening the blob; read the record again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await this.#readRecord(key);
      if (!record) throw notFound(key);
      try {
        return { info: toInfo(key, record), file: await open(this.#layout.blobPath(key, record.blob), 'r') };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw notFound(key);
  }

  async delete(key: string): Promise<void> {
    await this.#lock.run(key, async () => {
      const record = await this.#readRecord(key);
      if (!record) return;
      await rm(this.#layout.metaPath(key), { force: true }); // the commit point of a delete
      await rm(this.#layout.blobPath(key, record.blob), { force: true });
    });
  }

  async #readRecord(key: string): Promise<MetaRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.#layout.metaPath(key), 'utf8')) as MetaRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

function toInfo(key: string, record: MetaRecord): ObjectInfo {
  return {
    key,
    contentType: record.contentType,
    contentLength: record.contentLength,
    etag: record.etag,
    lastModified: new Date(record.lastModified),
    metadata: { ...record.metadata },
  };
}

function notFound(key: string): NotFoundError {
  return new NotFoundError(`object not found: ${key}`, { code: 'object-not-found' });
}
