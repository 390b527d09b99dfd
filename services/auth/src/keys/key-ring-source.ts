// Where the key ring comes from. Production: AUTH_SIGNING_KEYS, a JWK set mounted from a Secret.
// Development: AUTH_KEYS_FILE, generated on first start (mode 0600, created exclusively so two
// processes starting together cannot overwrite each other's keys). Never both missing (config.ts).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyRingError, newKeyRing, parseKeyRing, type StoredKeyRing } from './key-ring.ts';

export interface KeyRingSourceOptions {
  signingKeys?: string | undefined;
  keysFile?: string | undefined;
  now?: Date;
}

export async function readKeyRingFile(path: string): Promise<StoredKeyRing> {
  return parseKeyRing(await readFile(path, 'utf8'));
}

/** Writes the ring readable by its owner only. `exclusive` fails if the file already exists. */
export async function writeKeyRingFile(path: string, ring: StoredKeyRing, exclusive = false): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600, flag: exclusive ? 'wx' : 'w' });
}

export async function resolveKeyRing(options: KeyRingSourceOptions): Promise<StoredKeyRing> {
  if (options.signingKeys !== undefined) return parseKeyRing(options.signingKeys);
  const path = options.keysFile;
  if (path === undefined) throw new KeyRingError('neither AUTH_SIGNING_KEYS nor AUTH_KEYS_FILE is set');
  try {
    return await readKeyRingFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await writeKeyRingFile(path, await newKeyRing(options.now ?? new Date()), true);
  } catch (error) {
    // Another process created it between our read and write: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readKeyRingFile(path);
}
