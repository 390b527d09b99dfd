// Registers a new client of the client-credentials grant:
//
//   node --conditions=@scalegram/source src/new-service-client.ts <clientId> <scope> [<scope>...]
//
// Prints a fresh secret (32 random bytes, base64url) and the `SERVICE_CLIENTS` entry that goes with it
// (only the secret's SHA-256). Put the secret in the client's own Secret (e.g. search's
// SERVICE_CLIENT_SECRET) and merge the entry into auth's SERVICE_CLIENTS Secret; nothing is written here.
// To rotate a secret, list the old and the new digest (`"secretSha256": [old, new]`) until every replica of
// the client uses the new secret, then drop the old one.
import { randomBytes } from 'node:crypto';
import { isServiceScope, SERVICE_CLIENT_ID_PATTERN, SERVICE_SCOPES } from '@scalegram/contracts/service-tokens';
import { secretDigest } from './clients/service-client-registry.ts';

const [clientId, ...scopes] = process.argv.slice(2);
if (clientId === undefined || scopes.length === 0) {
  process.stderr.write(`usage: new-service-client <clientId> <scope>... (scopes: ${SERVICE_SCOPES.join(', ')})\n`);
  process.exit(2);
}
if (!new RegExp(SERVICE_CLIENT_ID_PATTERN).test(clientId) || clientId === 'auth') {
  process.stderr.write(`the client id must match ${SERVICE_CLIENT_ID_PATTERN} and not be "auth"\n`);
  process.exit(2);
}
const unknown = scopes.filter((scope) => !isServiceScope(scope));
if (unknown.length > 0) {
  process.stderr.write(`unknown scope(s): ${unknown.join(', ')} (known: ${SERVICE_SCOPES.join(', ')})\n`);
  process.exit(2);
}

const secret = randomBytes(32).toString('base64url');
const entry = { [clientId]: { secretSha256: secretDigest(secret).toString('hex'), scopes: [...new Set(scopes)] } };
process.stdout.write(`client secret (give it to ${clientId} only): ${secret}\n`);
process.stdout.write(`SERVICE_CLIENTS entry for auth: ${JSON.stringify(entry)}\n`);
