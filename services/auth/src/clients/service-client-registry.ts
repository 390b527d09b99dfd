// The registered service clients of the client-credentials grant, from configuration
// (`SERVICE_CLIENTS`, a JSON object from a Secret):
//
//   {"search": {"secretSha256": "<64 hex>", "scopes": ["posts:read"]}}
//
// Auth keeps only the SHA-256 of each secret. The secrets are 256-bit random strings (see
// new-service-client.ts), so a fast hash is the right tool (argon2 is for low-entropy passwords) and
// a leaked registry does not reveal them. `secretSha256` may list two digests while a secret is rotated.
// Presented secrets are hashed and compared with timingSafeEqual against every digest of the client —
// and against a dummy for an unknown client id — so the time taken says nothing about either.
import { createHash, timingSafeEqual } from 'node:crypto';
import { SERVICE_CLIENT_ID_PATTERN, SERVICE_SCOPES, type ServiceScope } from '@scalegram/contracts/service-tokens';
import Type from 'typebox';
import { Compile } from 'typebox/compile';

export interface ServiceClientEntry {
  id: string;
  scopes: readonly ServiceScope[];
  secretDigests: readonly Buffer[];
}

export type ServiceClientRegistry = ReadonlyMap<string, ServiceClientEntry>;

const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });
const RegistrySchema = Type.Record(
  Type.String({ pattern: SERVICE_CLIENT_ID_PATTERN }),
  Type.Object(
    {
      secretSha256: Type.Union([Sha256Hex, Type.Array(Sha256Hex, { minItems: 1, maxItems: 2 })]),
      scopes: Type.Array(Type.Union(SERVICE_SCOPES.map((scope) => Type.Literal(scope))), {
        minItems: 1,
        uniqueItems: true,
      }),
    },
    { additionalProperties: false },
  ),
  { additionalProperties: false },
);
const checkRegistry = Compile(RegistrySchema);

/** Auth signs its own service tokens as `service:auth`; no client may take that name. */
const RESERVED_CLIENT_IDS = new Set(['auth']);

export class ServiceClientsError extends Error {
  override name = 'ServiceClientsError';
}

/** Parses `SERVICE_CLIENTS`; absent means no clients (every token request is refused). */
export function parseServiceClients(json: string | undefined): ServiceClientRegistry {
  if (json === undefined) return new Map();
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ServiceClientsError('SERVICE_CLIENTS must be a JSON object');
  }
  if (!checkRegistry.Check(value)) {
    // Name the place, never the value (a digest is not a secret, but the habit is cheap).
    const first = [...checkRegistry.Errors(value)][0];
    throw new ServiceClientsError(
      `SERVICE_CLIENTS is not valid at "${first?.instancePath || '/'}": ${first?.message ?? 'invalid'} ` +
        `(expected {"<client id>": {"secretSha256": "<64 lower-case hex>", "scopes": [${SERVICE_SCOPES.map((s) => `"${s}"`).join(', ')}]}})`,
    );
  }
  const registry = new Map<string, ServiceClientEntry>();
  for (const [id, entry] of Object.entries(value)) {
    if (RESERVED_CLIENT_IDS.has(id))
      throw new ServiceClientsError(`SERVICE_CLIENTS: the client id "${id}" is reserved`);
    const digests = typeof entry.secretSha256 === 'string' ? [entry.secretSha256] : entry.secretSha256;
    registry.set(id, {
      id,
      scopes: entry.scopes as ServiceScope[],
      secretDigests: digests.map((hex) => Buffer.from(hex, 'hex')),
    });
  }
  return registry;
}

export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

const DUMMY_DIGEST = secretDigest('no such client');

/** The client whose id and secret these are, or undefined; constant time in the secret. */
export function authenticateServiceClient(
  registry: ServiceClientRegistry,
  clientId: string,
  clientSecret: string,
): ServiceClientEntry | undefined {
  const entry = registry.get(clientId);
  const presented = secretDigest(clientSecret);
  let matched = false;
  for (const digest of entry?.secretDigests ?? [DUMMY_DIGEST]) {
    // Every digest is compared (no early exit), so a second digest during rotation costs the same either way.
    matched = timingSafeEqual(presented, digest) || matched;
  }
  return entry !== undefined && matched ? entry : undefined;
}
