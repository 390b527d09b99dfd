// Counters stay exact under concurrency: after storms of follows and unfollows, every user's
// follower_count and following_count equal COUNT(*) of their edges.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { bearer, type Harness, startHarness } from './support/user-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

type User = Awaited<ReturnType<Harness['register']>>;

const call = (actor: User, target: User, method: 'PUT' | 'DELETE') =>
  h.app.inject({ method, url: `/api/v1/users/${target.id}/follow`, headers: bearer(actor.token) });

/** Users whose stored counters disagree with the edges. */
async function mismatches() {
  const { rows } = await sql<{ id: string }>`
    select u.id from users u
    where u.follower_count <> (select count(*) from follows f where f.followee_id = u.id)
       or u.following_count <> (select count(*) from follows f where f.follower_id = u.id)`.execute(h.db.database.db);
  return rows;
}

describe('follow storms', () => {
  it('40 concurrent follow/unfollow calls from many users at one target, five rounds: counts stay exact', async () => {
    const target = await h.register();
    const fans: User[] = [];
    for (let i = 0; i < 20; i++) fans.push(await h.register());
    for (let round = 0; round < 5; round++) {
      // Each fan sends two calls at once (a follow and a random second call), so the same edge is
      // inserted and deleted concurrently, and duplicate follows race each other.
      const calls = fans.flatMap((fan) => [
        call(fan, target, 'PUT'),
        call(fan, target, Math.random() < 0.5 ? 'PUT' : 'DELETE'),
      ]);
      const responses = await Promise.all(calls);
      expect(responses.map((response) => response.statusCode)).toEqual(calls.map(() => 204));
      expect(await mismatches()).toEqual([]);
    }
    const edges = await h.db.database.db
      .selectFrom('follows')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('followee_id', '=', target.id)
      .executeTakeFirstOrThrow();
    const profile = await h.app.inject({ url: `/api/v1/users/${target.id}`, headers: bearer(target.token) });
    expect(profile.json().followerCount).toBe(Number(edges.n));
  });

  it('mutual follows and unfollows in both directions at once neither deadlock nor drift', async () => {
    const users: User[] = [];
    for (let i = 0; i < 6; i++) users.push(await h.register());
    for (let round = 0; round < 4; round++) {
      const calls: Promise<{ statusCode: number }>[] = [];
      for (const a of users) {
        for (const b of users) {
          if (a !== b) calls.push(call(a, b, (round + users.indexOf(a)) % 2 === 0 ? 'PUT' : 'DELETE'));
        }
      }
      const responses = await Promise.all(calls);
      expect(responses.every((response) => response.statusCode === 204)).toBe(true);
      expect(await mismatches()).toEqual([]);
    }
  });

  it('deleting a user during a storm around them leaves every remaining counter exact', async () => {
    const doomed = await h.register();
    const others: User[] = [];
    for (let i = 0; i < 10; i++) others.push(await h.register());
    await Promise.all(others.map((other) => call(doomed, other, 'PUT')));
    const serviceToken = await h.tokens.serviceToken('users:write');
    const storm = others.flatMap((other) => [
      call(other, doomed, 'PUT'),
      call(other, others[0] === other ? others[1]! : others[0]!, 'PUT'),
    ]);
    const deletion = h.app.inject({
      method: 'DELETE',
      url: `/internal/users/${doomed.id}`,
      headers: bearer(serviceToken),
    });
    const responses = await Promise.all([...storm, deletion]);
    // A follow that lost the race to the deletion is a clean 404; nothing fails with 5xx.
    expect(responses.every((response) => [204, 404].includes(response.statusCode))).toBe(true);
    expect(await mismatches()).toEqual([]);
  });
});
