// Local-infrastructure mode's stores: one PostgreSQL database per owning service (and one per post
// shard) on the server at DATABASE_URL, created when missing; Redis and NATS as given. Each service
// still owns its database: nothing here lets one service see another's tables.
import pg from 'pg';
import type { LocalInfrastructure } from './system-plan.ts';

export interface LocalInfrastructureOptions {
  /** A PostgreSQL server URL (any database on it); service databases are created beside it. */
  postgresUrl: string;
  redisUrl: string;
  natsUrl: string;
  /** Database name prefix, e.g. `scalegram` → scalegram_auth, scalegram_post_0, ... */
  databasePrefix: string;
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
export function databaseNames(prefix: string, postShards: number): string[] {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new RangeError(`invalid database prefix: ${prefix}`);
  if (!Number.isInteger(postShards) || postShards < 1) throw new RangeError('postShards must be a positive integer');
  return [
    ...OWNERS.map((owner) => `${prefix}_${owner}`),
    ...Array.from({ length: postShards }, (_, shard) => `${prefix}_post_${shard}`),
  ];
}

/** Creates the missing databases and answers the infrastructure the services are given. */
export async function prepareLocalInfrastructure(options: LocalInfrastructureOptions): Promise<LocalInfrastructure> {
  const names = databaseNames(options.databasePrefix, options.postShards);
  const client = new pg.Client({ connectionString: options.postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = ANY($1::text[])',
      [names],
    );
    const existing = new Set(rows.map((row) => row.datname));
    for (const name of names) {
      // Names are validated above (identifier characters only), so quoting them is enough.
      if (!existing.has(name)) await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
  const url = (name: string) => databaseUrl(options.postgresUrl, name);
  const prefix = options.databasePrefix;
  return {
    databases: {
      auth: url(`${prefix}_auth`),
      user: url(`${prefix}_user`),
      media: url(`${prefix}_media`),
      notification: url(`${prefix}_notification`),
      post: Array.from({ length: options.postShards }, (_, shard) => url(`${prefix}_post_${shard}`)),
    },
    redisUrl: options.redisUrl,
    natsUrl: options.natsUrl,
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.qdrantUrl ? { qdrantUrl: options.qdrantUrl } : {}),
  };
}

/** Drops this plan's databases (the end-to-end tests' clean-up; never used by `npm start`). */
export async function dropLocalDatabases(postgresUrl: string, prefix: string, postShards: number): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (const name of databaseNames(prefix, postShards)) {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
