// Key rotation for the AUTH_KEYS_FILE key ring (or any key ring JSON):
//
//   node --conditions=@scalegram/source src/rotate-keys.ts <key-ring.json> [accessTtlSeconds=900]
//
// Adds a new active key, marks the current one retired (it stays published for accessTtlSeconds so
// tokens it signed keep verifying) and drops keys whose window has ended. The file is rewritten with
// mode 0600. For AUTH_SIGNING_KEYS, run it on a copy of the Secret's value and update the Secret;
// then restart the auth replicas (rolling) so they sign with the new key.
import { rename } from 'node:fs/promises';
import { rotateKeyRing } from './keys/key-ring.ts';
import { readKeyRingFile, writeKeyRingFile } from './keys/key-ring-source.ts';

const [path, ttlArgument] = process.argv.slice(2);
if (path === undefined) {
  process.stderr.write('usage: rotate-keys <key-ring.json> [accessTtlSeconds]\n');
  process.exit(2);
}
const accessTtlSeconds = ttlArgument === undefined ? 900 : Number(ttlArgument);
if (!Number.isInteger(accessTtlSeconds) || accessTtlSeconds < 1) {
  process.stderr.write('accessTtlSeconds must be a positive integer\n');
  process.exit(2);
}

const rotated = await rotateKeyRing(await readKeyRingFile(path), new Date(), accessTtlSeconds);
// Write aside and rename: a crash mid-write never leaves a truncated key ring behind.
await writeKeyRingFile(`${path}.tmp`, rotated);
await rename(`${path}.tmp`, path);
const active = rotated.keys.find((key) => key.retiredAt === undefined);
process.stdout.write(`rotated: active kid ${active?.kid}, ${rotated.keys.length} key(s) in the ring\n`);
