// Several Scalegram systems can share one PostgreSQL, Redis, NATS, S3 and Qdrant: every name a deployable
// creates on a shared server is put under its namespace (the NAMESPACE setting, default `scalegram`), by
// the rules below and nowhere else, so that two namespaces can never collide (docs/adr/0040).

export const DEFAULT_NAMESPACE = 'scalegram';

/**
 * Lower-case letters, digits and inner hyphens, at most 24 characters: valid, unchanged, in a NATS stream
 * name and subject token, a Redis key, an S3 bucket, a Qdrant collection and a (quoted) PostgreSQL
 * database name. No `_`, `.` or `:`, the separators below, so one namespace's names never
 * look like another's.
 */
export const NAMESPACE_PATTERN = '^[a-z](?:[a-z0-9-]{0,22}[a-z0-9])?$';

const namespaceRegExp = new RegExp(NAMESPACE_PATTERN);

export function isNamespace(value: string): boolean {
  return namespaceRegExp.test(value);
}

export function assertNamespace(value: string): string {
  if (!isNamespace(value)) {
    throw new RangeError(
      `invalid namespace "${value}": lower-case letters, digits and inner hyphens, 1 to 24 characters, starting with a letter`,
    );
  }
  return value;
}

/** A JetStream stream: `scalegram_POSTS`. */
export function namespacedStream(namespace: string, stream: string): string {
  return `${namespace}_${stream}`;
}

/** A NATS subject or subject pattern: `scalegram.post.created`, `scalegram.post.>`. */
export function namespacedSubject(namespace: string, subject: string): string {
  return `${namespace}.${subject}`;
}

/** A Redis key prefix of one owner: `scalegram:feed:`. */
export function namespacedKeyPrefix(namespace: string, owner: string): string {
  return `${namespace}:${owner}:`;
}

/** An S3 bucket (`scalegram-media`) or a Qdrant collection (`scalegram-posts`). */
export function namespacedBucket(namespace: string, purpose: string): string {
  return `${namespace}-${purpose}`;
}

/** A PostgreSQL database of one owner: `scalegram_auth`, `scalegram_post_0` (quote it: `team-b_auth`). */
export function namespacedDatabase(namespace: string, owner: string): string {
  return `${namespace}_${owner}`;
}
