// The shard router against three real physical databases on the local PostgreSQL server.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createScratchDatabases, type ScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { createIdGenerator, decodeId } from '../src/id-generator.ts';
import { migrate } from '../src/migrate.ts';
import type { ShardRouter } from '../src/shard-router.ts';
import { closeAll, createShardedDatabases } from '../src/sharded-postgres.ts';

interface PostsDatabase {
  posts: { id: string; author_id: string; text: string };
}

const POSTS_MIGRATIONS = new URL('./fixtures/migrations-posts/', import.meta.url).pathname;
// One user per physical database (3 databases: logical 0–2730, 2731–5461, 5462–8191), and one more
// whose id wraps around: 8197 mod 8192 = 5, so it lives with user 1.
const USERS = { onDb0: 1n, onDb1: 3_000n, onDb2: 6_000n, wrapsToDb0: 8_197n };

describe('sharding over three PostgreSQL databases', () => {
  let scratch: ScratchDatabases | undefined;
  let router: ShardRouter<PostsDatabase>;
  const generator = createIdGenerator();
  const posts = new Map<bigint, string[]>();

  beforeAll(async () => {
    scratch = await createScratchDatabases('sg_test', 3);
    router = createShardedDatabases<PostsDatabase>(scratch.urls, { poolMax: 2 });
    // Migrations apply to every shard.
    for (const database of router.all()) await migrate(database, POSTS_MIGRATIONS);
    for (const userId of Object.values(USERS)) {
      const ids: string[] = [];
      for (let n = 0; n < 3; n++) {
        const id = await generator.nextString(router.logicalShardForUser(userId));
        await router
          .databaseForUser(userId)
          .db.insertInto('posts')
          .values({ id, author_id: userId.toString(), text: `post ${n}` })
          .execute();
        ids.push(id);
      }
      posts.set(userId, ids);
    }
  });

  afterAll(async () => {
    if (router !== undefined) await closeAll(router);
    await scratch?.drop();
  });

  const countsPerDatabase = () =>
    Promise.all(
      router.all().map(async (database) => {
        const rows = await database.db.selectFrom('posts').select('author_id').execute();
        return rows.map((row) => row.author_id).sort();
      }),
    );

  it('places each user’s posts on the database its logical shard maps to, and nowhere else', async () => {
    expect(await countsPerDatabase()).toEqual([
      ['1', '1', '1', '8197', '8197', '8197'],
      ['3000', '3000', '3000'],
      ['6000', '6000', '6000'],
    ]);
  });

  it('routes a post by its id alone to the database that holds it', async () => {
    for (const [userId, ids] of posts) {
      for (const id of ids) {
        expect(decodeId(id).logicalShard).toBe(router.logicalShardForUser(userId));
        const database = router.databaseForId(id);
        expect(database).toBe(router.databaseForUser(userId));
        const row = await database.db.selectFrom('posts').select('author_id').where('id', '=', id).executeTakeFirst();
        expect(row?.author_id).toBe(userId.toString());
      }
    }
  });

  it('serves a single user’s timeline with queries to exactly one physical database', async () => {
    const before = router.all().map((database) => database.queryCount());
    const timeline = await router
      .databaseForUser(USERS.onDb1)
      .db.selectFrom('posts')
      .select('id')
      .where('author_id', '=', USERS.onDb1.toString())
      .orderBy('id', 'desc')
      .execute();
    const touched = router.all().map((database, i) => database.queryCount() - (before[i] ?? 0));
    expect(touched).toEqual([0, 1, 0]);
    // Newest first: ids sort by creation time.
    expect(timeline.map((row) => row.id)).toEqual([...(posts.get(USERS.onDb1) ?? [])].reverse());
  });
});
