// Lists the keys of the local store in ascending byte order (S3's order) without sorting them all:
// a depth-first walk that visits directory entries sorted by their key text, where a directory `a`
// counts as `a/`. That order is global because every key under `a/` starts with `a/`, and a file name
// in the same directory sorts before or after all of them exactly as its key does. Subtrees that cannot
// contain a wanted key (outside the prefix, or entirely at or before `startAfter`) are skipped unread.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { META_SUFFIX } from './local-layout.ts';

interface Entry {
  /** For a file: its key; for a directory: the key prefix it holds, ending in `/`. */
  text: string;
  directory: boolean;
  path: string;
}

export async function* listKeys(objectsDir: string, prefix: string, startAfter = ''): AsyncGenerator<string> {
  // Start in the deepest directory the prefix names completely: `media/orig` starts in `media/`.
  const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  yield* walk(join(objectsDir, base), base, prefix, startAfter);
}

async function* walk(dir: string, dirText: string, prefix: string, startAfter: string): AsyncGenerator<string> {
  for (const entry of await readEntries(dir, dirText)) {
    if (entry.directory) {
      const overlapsPrefix = entry.text.startsWith(prefix) || prefix.startsWith(entry.text);
      // If startAfter is past `entry.text` without lying inside it, it is past every key inside it.
      const allBeforeStart = startAfter > entry.text && !startAfter.startsWith(entry.text);
      if (overlapsPrefix && !allBeforeStart) yield* walk(entry.path, entry.text, prefix, startAfter);
    } else if (entry.text.startsWith(prefix) && entry.text > startAfter) {
      yield entry.text;
    }
  }
}

async function readEntries(dir: string, dirText: string): Promise<Entry[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: Entry[] = [];
  for (const dirent of dirents) {
    const path = join(dir, dirent.name);
    if (dirent.isDirectory()) entries.push({ text: `${dirText}${dirent.name}/`, directory: true, path });
    else if (dirent.name.endsWith(META_SUFFIX)) {
      entries.push({ text: dirText + dirent.name.slice(0, -META_SUFFIX.length), directory: false, path });
    } // blobs are reached through their record, never listed
  }
  // Keys are ASCII, so UTF-16 code-unit order (what `<` compares) is byte order.
  return entries.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}
