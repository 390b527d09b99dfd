// The on-disk form of one embedded collection: `<directory>/<collection>.sgvec`.
//
//   "SGVEC001"                   8 bytes, magic + format version
//   header length                uint32, little-endian
//   header                       UTF-8 JSON { dimension, distance, ids, payloads }, space-padded to 4 bytes
//   vectors                      size × dimension float32, little-endian, row i belongs to ids[i]
//
// A snapshot is replaced atomically: written to a temporary file in the same directory, fsynced, then
// renamed over the old one (rename is atomic on POSIX file systems), so a crash mid-write leaves the
// previous snapshot intact and a reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { DenseCollection } from './dense-collection.ts';

const MAGIC = Buffer.from('SGVEC001', 'latin1');
const EXTENSION = '.sgvec';
const TEMP_SUFFIX = '.tmp';

interface Header {
  dimension: number;
  distance: 'cosine';
  ids: string[];
  payloads: Record<string, unknown>[];
}

// Float32Array uses the host's byte order; the format fixes little-endian (every platform Node supports
// in practice) and refuses to run elsewhere rather than write files another host would misread.
function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('the embedded vector index snapshot format needs a little-endian host');
}

export function encodeSnapshot(collection: DenseCollection): Buffer {
  assertLittleEndian();
  const ids: string[] = [];
  const payloads: Record<string, unknown>[] = [];
  for (let slot = 0; slot < collection.size; slot++) {
    ids.push(collection.idAt(slot));
    payloads.push(collection.payloadAt(slot));
  }
  const header: Header = { dimension: collection.dimension, distance: 'cosine', ids, payloads };
  let json = JSON.stringify(header);
  json += ' '.repeat((4 - (Buffer.byteLength(json) % 4)) % 4);
  const headerBytes = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const rows = collection.matrix.subarray(0, collection.size * collection.dimension);
  return Buffer.concat([MAGIC, length, headerBytes, Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength)]);
}

export function decodeSnapshot(bytes: Buffer, source: string): DenseCollection {
  assertLittleEndian();
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) throw new Error(`${source}: not a vector snapshot`);
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as Header;
  const { dimension, ids, payloads } = header;
  const vectorBytes = bytes.subarray(12 + headerLength);
  if (vectorBytes.length !== ids.length * dimension * 4 || payloads.length !== ids.length) {
    throw new Error(`${source}: truncated or inconsistent vector snapshot`);
  }
  // Copy into a fresh, aligned buffer: a Float32Array view needs a 4-byte-aligned offset.
  const matrix = new Float32Array(Uint8Array.from(vectorBytes).buffer);
  const collection = new DenseCollection(dimension, Math.max(ids.length, 64));
  ids.forEach((id, slot) => {
    collection.put(id, matrix.subarray(slot * dimension, (slot + 1) * dimension), payloads[slot]!);
  });
  return collection;
}

export function snapshotPath(directory: string, name: string): string {
  return join(directory, `${name}${EXTENSION}`);
}

export async function writeSnapshotAtomically(path: string, bytes: Buffer): Promise<void> {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync(); // the data must be on disk before the rename makes it the snapshot
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function removeSnapshot(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** Reads every collection snapshot in `directory`; removes temporary files a crash left behind. */
export async function loadSnapshots(directory: string): Promise<Map<string, DenseCollection>> {
  const collections = new Map<string, DenseCollection>();
  for (const file of await readdir(directory)) {
    const path = join(directory, file);
    if (file.endsWith(TEMP_SUFFIX)) {
      await rm(path, { force: true });
    } else if (file.endsWith(EXTENSION)) {
      collections.set(file.slice(0, -EXTENSION.length), decodeSnapshot(await readFile(path), path));
    }
  }
  return collections;
}
