// Local-infrastructure mode's stores: one PostgreSQL database per owning service (and one per post
// shard) on the server at DATABASE_URL, named under the system's namespace and created when missing;
// Redis and NATS as given (each service puts its keys, streams and subjects under the namespace itself).
// Each service still owns its database: nothing here lets one service see another's tables.
import { assertNamespace, namespacedDatabase } from '@scalegram/contracts/namespace';
import pg from 'pg';
import type { LocalInfrastructure } from './system-plan.ts';

export interface LocalInfrastructureOptions {
  /** A PostgreSQL server URL (any database on it); service databases are created beside it. */
  postgresUrl: string;
  redisUrl: string;
  natsUrl: string;
  /** The system's namespace: `scalegram` → scalegram_auth, scalegram_post_0, ... */
  namespace: string;
  postShards: number;
  s3?: LocalInfrastructure['s3'];
  qdrantUrl?: string;
}

const OWNERS = ['auth', 'user', 'media', 'notification'] as const;

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The database names this plan uses, owners first, then the post shards. */
export function databaseNames(namespace: string, postShards: number): string[] {
  assertNamespace(namespace);
  if (!Number.isInteger(postShards) || postShards < 1) throw new RangeError('postShards must be a positive integer');
  return [
    ...OWNERS.map((owner) => namespacedDatabase(namespace, owner)),
    ...Array.from({ length: postShards }, (_, shard) => namespacedDatabase(namespace, `post_${shard}`)),
  ];
}

/** Creates the missing databases and answers the infrastructure the services are given. */
export async function prepareLocalInfrastructure(options: LocalInfrastructureOptions): Promise<LocalInfrastructure> {
  const names = databaseNames(options.namespace, options.postShards);
  const client = new pg.Client({ connectionString: options.postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = ANY($1::text[])',
      [names],
    );
    const existing = new Set(rows.map((row) => row.datname));
    for (const name of names) {
      // Names are validated above (letters, digits, `-` and `_` only), so quoting them is enough.
      if (!existing.has(name)) await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
  const url = (owner: string) => databaseUrl(options.postgresUrl, namespacedDatabase(options.namespace, owner));
  return {
    databases: {
      auth: url('auth'),
      user: url('user'),
      media: url('media'),
      notification: url('notification'),
      post: Array.from({ length: options.postShards }, (_, shard) => url(`post_${shard}`)),
    },
    redisUrl: options.redisUrl,
    natsUrl: options.natsUrl,
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.qdrantUrl ? { qdrantUrl: options.qdrantUrl } : {}),
  };
}

/** Drops this namespace's databases (`npm start -- --fresh --mode local`, and the tests' clean-up). */
export async function dropLocalDatabases(postgresUrl: string, namespace: string, postShards: number): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (const name of databaseNames(namespace, postShards)) {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
