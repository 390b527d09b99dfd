// The secrets of the service clients a local system registers with auth (the search re-index
// command's identity): generated once per data directory, kept there readable by the owner only, so
// a restart keeps them. Never a default value, never in the repository.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SERVICE_CLIENT_SCOPES } from './system-plan.ts';

export async function loadServiceClientSecrets(dataDir: string): Promise<Record<string, string>> {
  const path = join(dataDir, 'service-clients.json');
  let secrets: Record<string, string> = {};
  try {
    secrets = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const missing = Object.keys(SERVICE_CLIENT_SCOPES).filter((id) => typeof secrets[id] !== 'string');
  if (missing.length > 0) {
    for (const id of missing) secrets[id] = randomBytes(32).toString('base64url');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}
