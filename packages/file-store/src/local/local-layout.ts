// Where the local store keeps things on disk. For a key `a/b/c.jpg`:
//   <root>/objects/a/b/c.jpg~meta.json      the committed record: type, size, etag, metadata, blob id
//   <root>/objects/a/b/c.jpg~<uuid>.blob    the bytes of the version that record points to
//   <root>/tmp/<uuid>                       uploads in progress (same file system, so rename is atomic)
// `~` cannot occur in a key, so file names never collide with directories: S3 allows both `a` and
// `a/b` as keys, and so does this layout (`a~meta.json` beside the directory `a/`).
import { join } from 'node:path';

export const META_SUFFIX = '~meta.json';

export interface LocalLayout {
  objectsDir: string;
  tmpDir: string;
  metaPath(key: string): string;
  blobPath(key: string, blobId: string): string;
  tmpPath(id: string): string;
}

export function localLayout(root: string): LocalLayout {
  const objectsDir = join(root, 'objects');
  const tmpDir = join(root, 'tmp');
  // Keys are validated (safe characters, no `.`/`..` segments) before they reach these functions.
  return {
    objectsDir,
    tmpDir,
    metaPath: (key) => join(objectsDir, `${key}${META_SUFFIX}`),
    blobPath: (key, blobId) => join(objectsDir, `${key}~${blobId}.blob`),
    tmpPath: (id) => join(tmpDir, id),
  };
}
