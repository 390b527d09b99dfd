// Throw-away databases on the shared PostgreSQL: uniquely named (several runs share one server), created
// empty, dropped with FORCE afterwards. What goes in them (a service's migrations) is the caller's.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrl, SHARED_POSTGRES_URL } from './shared-servers.ts';

export interface ScratchDatabases {
  names: string[];
  urls: string[];
  drop(): Promise<void>;
}

async function admin(serverUrl: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * `count` empty databases named `<prefix>_<random>_<index>` (or `<prefix>_<random>` for one), on
 * `serverUrl` (the shared server unless a test brings its own).
 */
export async function createScratchDatabases(
  prefix: string,
  count = 1,
  serverUrl = SHARED_POSTGRES_URL,
): Promise<ScratchDatabases> {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`not a safe database name prefix: ${prefix}`);
  const run = `${prefix}_${randomBytes(5).toString('hex')}`;
  const names = count === 1 ? [run] : Array.from({ length: count }, (_, index) => `${run}_${index}`);
  await admin(
    serverUrl,
    names.map((name) => `CREATE DATABASE ${name}`),
  );
  return {
    names,
    urls: names.map((name) => databaseUrl(serverUrl, name)),
    drop: () =>
      admin(
        serverUrl,
        names.map((name) => `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ),
  };
}
