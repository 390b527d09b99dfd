// Fan-out latency: from the 201 of `POST /api/v1/posts` (the real post service, over HTTP) to the post
// being readable in EVERY follower's timeline (the last batch's Redis transaction has returned), for an
// author with 100, 1,000 and 10,000 followers. The post travels the production path: outbox → relay →
// NATS JetStream (a private nats-server) → the feed worker's POSTS consumer → the first batch inline and
// the rest as FEED_FANOUT jobs shared by TWO worker replicas (in this process) → Redis (the local one,
// under a unique prefix, deleted afterwards).
// Fixture: the followers' projection and their (complete, empty) timelines are written straight into
// Redis — the state N follows and N first reads leave behind; following is not what is measured.
// Ceiling, same run: the same Redis commands for the same N+1 timelines (ZADD + ZREMRANGEBYRANK, 500 per
// transaction) sent by one client with nothing else — no NATS, no presence check, no jobs.
// Also measured, for ADR 0028: listing the N followers from the feed's Redis projection vs from the
// user service's paginated GET /users/:id/followers (real service, real PostgreSQL, 100 per page).
// Usage: pnpm --filter @scalegram/feed-service bench   (about a minute)
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { App } from '@scalegram/kit/app';
import { ServiceClient } from '@scalegram/kit/service-client';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import type { KeyValueBatch } from '@scalegram/kv/port';
import { loadPostConfig } from '@scalegram/post-service/config';
import { startPostService } from '@scalegram/post-service/service';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { startPrivateNats } from '@scalegram/test-support/private-nats';
import { deleteKeys, uniquePrefix } from '@scalegram/test-support/redis-keys';
import { createScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { SHARED_REDIS_URL as REDIS_URL } from '@scalegram/test-support/shared-servers';
import { startTokenIssuer, TEST_ISSUER } from '@scalegram/test-support/token-issuer';
import { loadUserConfig } from '@scalegram/user-service/config';
import { startUserService } from '@scalegram/user-service/service';
import { sql } from 'kysely';
import { loadFeedConfig } from '../src/config.ts';
import { encodeEntry, SENTINEL } from '../src/domain/timeline-entry.ts';
import { keys } from '../src/store/feed-keys.ts';
import { forEachFollowerPage } from '../src/store/projections.ts';
import { startFeedWorker } from '../src/worker-service.ts';

const SIZES = [100, 1_000, 10_000];
const POSTS_PER_SIZE: Record<number, number> = { 100: 40, 1000: 30, 10000: 15 };
const BATCH = 500;

type AnyBatch = KeyValueBatch<unknown[]>;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
const fmt = (ms: number) => ms.toFixed(1);

async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

const tokens = await startTokenIssuer();
const nats = await startPrivateNats();
const databases = await createScratchDatabases('sg_feed_bench', 2);
const [userUrl, postUrl] = databases.urls as [string, string];
const prefix = uniquePrefix('feedtest');
const kv = await openKeyValueStore({ url: REDIS_URL, keyPrefix: prefix });
const auth = { JWKS_URL: tokens.jwksUrl, AUTH_ISSUER: TEST_ISSUER, LOG_LEVEL: 'warn', NATS_URL: nats.url };
const started: App[] = [];

try {
  const posts = await startPostService(
    loadPostConfig({ ...auth, POST_DATABASE_URLS: postUrl, MEDIA_SERVICE_URL: 'http://127.0.0.1:9' }),
  );
  started.push(posts);
  const postsBase = await listen(posts);
  const users = await startUserService(loadUserConfig({ ...auth, DATABASE_URL: userUrl }));
  started.push(users);
  const usersBase = await listen(users);

  // Completion tracking: timelines written per post id, and when the last batch returned.
  const progress = new Map<string, { written: number; at: number }>();
  const config = loadFeedConfig({
    ...auth,
    REDIS_URL,
    KV_KEY_PREFIX: prefix,
    USER_SERVICE_URL: usersBase,
    POST_SERVICE_URL: postsBase,
    FEED_CELEBRITY_THRESHOLD: '1000000',
    FEED_FANOUT_BATCH_SIZE: String(BATCH),
  });
  for (let replica = 0; replica < 2; replica++) {
    started.push(
      await startFeedWorker(
        config,
        {},
        {
          onBatch: ({ postId, written }) => {
            const entry = progress.get(postId) ?? { written: 0, at: 0 };
            entry.written += written;
            entry.at = performance.now();
            progress.set(postId, entry);
          },
        },
      ),
    );
  }

  const ids = createIdGenerator();
  const userDb = createPostgresDatabase<unknown>({ connectionString: userUrl, poolMax: 2 });
  const results: string[] = [];
  const sourceResults: string[] = [];

  for (const size of SIZES) {
    const author = await ids.nextString(1);
    const authorization = `Bearer ${await tokens.userToken(author)}`;
    const followers = await Promise.all(Array.from({ length: size }, (_, index) => ids.nextString(index % 8192)));

    // Fixture in Redis: the projection and N complete timelines.
    for (let start = 0; start < size; start += BATCH) {
      const chunk = followers.slice(start, start + BATCH);
      let batch = kv.batch() as unknown as AnyBatch;
      batch = batch.zadd(
        keys.followers(author),
        chunk.map((member) => ({ member, score: 0 })),
      );
      for (const id of [...chunk, ...(start === 0 ? [author] : [])]) {
        batch = batch.zadd(keys.timeline(id), [{ member: SENTINEL, score: 0 }]).expire(keys.timeline(id), 3_600_000);
      }
      await batch.exec();
    }

    // Fan-out latency, one post at a time.
    const latencies: number[] = [];
    for (let round = 0; round < (POSTS_PER_SIZE[size] as number); round++) {
      const response = await fetch(`${postsBase}/api/v1/posts`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ text: `fan-out ${size} #${round}` }),
      });
      const at201 = performance.now();
      if (response.status !== 201) throw new Error(`post failed: ${response.status} ${await response.text()}`);
      const { id } = (await response.json()) as { id: string };
      const deadline = Date.now() + 60_000;
      while ((progress.get(id)?.written ?? 0) < size + 1) {
        if (Date.now() > deadline) throw new Error(`fan-out of ${id} did not complete`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      latencies.push(Math.max(0, (progress.get(id)?.at as number) - at201));
    }

    // Ceiling: the same writes, bare.
    const ceilings: number[] = [];
    for (let round = 0; round < Math.min(10, POSTS_PER_SIZE[size] as number); round++) {
      const member = encodeEntry({ postId: String(9_000_000_000_000_000n + BigInt(round)), authorId: author });
      const targets = [author, ...followers];
      const t0 = performance.now();
      for (let start = 0; start < targets.length; start += BATCH) {
        let batch = kv.batch() as unknown as AnyBatch;
        for (const id of targets.slice(start, start + BATCH)) {
          batch = batch.zadd(keys.timeline(id), [{ member, score: 0 }]).zremRangeByRank(keys.timeline(id), 1, -801);
        }
        await batch.exec();
      }
      ceilings.push(performance.now() - t0);
    }
    const [p50, p99, c50, c99] = [
      percentile(latencies, 50),
      percentile(latencies, 99),
      percentile(ceilings, 50),
      percentile(ceilings, 99),
    ];
    results.push(
      `| ${size.toLocaleString('en')} | ${latencies.length} | ${fmt(p50)} | ${fmt(p99)} | ${fmt(c50)} | ${fmt(c99)} | ${(p50 / c50).toFixed(1)} |`,
    );

    // Follower source: Redis projection vs the user service (rows inserted in bulk into its database).
    await sql
      .raw(
        `insert into users (id, username, display_name) select x::bigint, 'u' || x, 'u' || x from unnest(array[${[author, ...followers].join(',')}]::bigint[]) as x;
         insert into follows (follower_id, followee_id) select x::bigint, ${author} from unnest(array[${followers.join(',')}]::bigint[]) as x;`,
      )
      .execute(userDb.db);
    const client = new ServiceClient({ name: 'user', baseUrl: usersBase, timeoutMs: 10_000 });
    const fromService: number[] = [];
    const fromProjection: number[] = [];
    for (let round = 0; round < 5; round++) {
      let t0 = performance.now();
      let cursor: string | undefined;
      let count = 0;
      do {
        const page = await client.get<{ items: unknown[]; nextCursor: string | null }>(
          `/api/v1/users/${author}/followers`,
          { query: { limit: 100, cursor }, headers: { authorization } },
        );
        count += page.items.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      if (count !== size) throw new Error(`user service listed ${count} followers, expected ${size}`);
      fromService.push(performance.now() - t0);
      t0 = performance.now();
      let projected = 0;
      await forEachFollowerPage(kv, author, BATCH, async (page) => {
        projected += page.length;
      });
      if (projected !== size) throw new Error(`projection listed ${projected} followers, expected ${size}`);
      fromProjection.push(performance.now() - t0);
    }
    await client.close();
    const [s50, r50] = [percentile(fromService, 50), percentile(fromProjection, 50)];
    sourceResults.push(`| ${size.toLocaleString('en')} | ${fmt(s50)} | ${fmt(r50)} | ${(s50 / r50).toFixed(1)} |`);
    console.error(`done: ${size} followers`);
  }
  await userDb.close();

  console.log(
    `${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, load ${loadavg()[0]?.toFixed(1)}, ${new Date().toISOString()}`,
  );
  console.log('\n| followers | posts | fan-out p50 ms | p99 ms | ceiling p50 ms | p99 ms | p50 ratio |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const line of results) console.log(line);
  console.log('\n| followers | user service p50 ms | Redis projection p50 ms | service / projection |');
  console.log('|---:|---:|---:|---:|');
  for (const line of sourceResults) console.log(line);
} finally {
  for (const app of started.reverse()) await app.close().catch(() => undefined);
  await deleteKeys(REDIS_URL, prefix);
  await kv.close();
  await databases.drop();
  await nats.destroy();
  await tokens.close();
}
