// The private servers start on a port of their own, survive a crash-and-restart on the same port, and
// stop cleanly; the scratch databases are created and dropped on the shared PostgreSQL.
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startPrivateNats } from '../src/private-nats.ts';
import { startPrivatePostgres } from '../src/private-postgres.ts';
import { startPrivateRedis } from '../src/private-redis.ts';
import { startPrivateS3 } from '../src/private-s3.ts';
import { createScratchDatabases } from '../src/scratch-databases.ts';
import { SHARED_POSTGRES_URL } from '../src/shared-servers.ts';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, 30_000);

describe('private servers', () => {
  it('redis: answers, restarts on the same port after a crash, stops', async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    expect(redis.port).not.toBe(6379);
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
    await redis.kill();
    expect(await accepts(redis.port)).toBe(false);
    await redis.start();
    expect(await accepts(redis.port)).toBe(true);
    await redis.stop();
    expect(await accepts(redis.port)).toBe(false);
  });

  it('nats: JetStream up, restarts on the same port, destroy removes it', async () => {
    const nats = await startPrivateNats();
    cleanups.push(() => nats.destroy());
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(await accepts(nats.port)).toBe(true);
    await nats.kill();
    expect(await accepts(nats.port)).toBe(false);
    await nats.start();
    expect(await accepts(nats.port)).toBe(true);
    await nats.destroy();
    expect(await accepts(nats.port)).toBe(false);
  });

  it('postgres: a server of its own that stops and starts again', async () => {
    const postgres = await startPrivatePostgres();
    cleanups.push(() => postgres.destroy());
    expect((await query(postgres.url, 'select 1 as one')).rows).toEqual([{ one: 1 }]);
    await postgres.stop();
    await expect(query(postgres.url, 'select 1')).rejects.toThrow();
    await postgres.start();
    expect((await query(postgres.url, 'select 2 as two')).rows).toEqual([{ two: 2 }]);
  }, 60_000);
});

describe('scratch databases', () => {
  it('creates uniquely named databases and drops them', async () => {
    const scratch = await createScratchDatabases('sg_support_test', 2);
    expect(scratch.names).toHaveLength(2);
    expect(new Set(scratch.names).size).toBe(2);
    for (const url of scratch.urls) expect((await query(url, 'select current_database() as db')).rows).toHaveLength(1);
    await scratch.drop();
    const left = await query(
      SHARED_POSTGRES_URL,
      `select datname from pg_database where datname in ('${scratch.names.join("','")}')`,
    );
    expect(left.rows).toEqual([]);
  });

  it('refuses a prefix that is not a plain identifier', async () => {
    await expect(createScratchDatabases('x; drop database postgres')).rejects.toThrow(/not a safe/);
  });
});

describe('private S3', () => {
  it('answers S3, keeps its objects across a stop and a start on the same port', async () => {
    const s3 = await startPrivateS3();
    cleanups.push(() => s3.destroy());
    const bucket = `http://${s3.endpoint}/bucket-${Date.now()}`;
    expect((await fetch(bucket, { method: 'PUT' })).status).toBe(200);
    expect((await fetch(`${bucket}/kept.txt`, { method: 'PUT', body: 'kept' })).status).toBe(200);
    await s3.stop();
    expect(await accepts(s3.port)).toBe(false);
    await s3.start();
    expect(await (await fetch(`${bucket}/kept.txt`)).text()).toBe('kept');
  });
});
