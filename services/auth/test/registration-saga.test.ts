// The registration saga against a real HTTP user service that fails on purpose. After every failure
// mode — once the recovery loop has had its turn where the design gives it one — there are no orphan
// credentials in auth's database and no orphan profiles in the user store.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { type AuthHarness, login, register, startAuthHarness, uniqueUsername } from './support/auth-harness.ts';
import { rowCounts } from './support/test-database.ts';

let harness: AuthHarness;
beforeAll(async () => {
  harness = await startAuthHarness({ userService: { baseUrl: '', timeoutMs: 400, maxAttempts: 2 } });
});
afterAll(async () => {
  await harness.close();
});
afterEach(() => {
  harness.users.mode = 'ok';
  harness.users.failDeletes = false;
});

const statuses = async () =>
  (await harness.database.db.selectFrom('credentials').select(['user_id', 'status']).execute()).filter(
    (row) => row.status !== 'active',
  );
/** Makes every unfinished registration look older than the recovery threshold. */
const age = () =>
  sql`UPDATE credentials SET updated_at = now() - interval '1 hour' WHERE status <> 'active'`.execute(
    harness.database.db,
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nothing half-done anywhere: every profile has active credentials and vice versa. */
async function expectNoOrphans() {
  const active = await harness.database.db
    .selectFrom('credentials')
    .select('user_id')
    .where('status', '=', 'active')
    .execute();
  expect(await statuses()).toEqual([]);
  expect([...harness.users.profiles.keys()].sort()).toEqual(active.map((row) => row.user_id).sort());
}

describe('registration saga', () => {
  it('user service answers 500 after creating the profile: 503, the profile is deleted, no credentials left', async () => {
    harness.users.mode = 'fail-after-create';
    const username = uniqueUsername('F500');
    const { response } = await register(harness, username);
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'registration-unavailable' });
    expect(harness.users.calls.filter((call) => call.method === 'DELETE').length).toBeGreaterThan(0);
    await expectNoOrphans();
    // The username is free again.
    harness.users.mode = 'ok';
    expect((await register(harness, username)).response.statusCode).toBe(201);
  });

  it('timeout, and the profile lands after auth gave up: the recovery loop deletes the late profile', async () => {
    harness.users.mode = 'slow-write';
    harness.users.slowMs = 700;
    const { response } = await register(harness, uniqueUsername('Slow'));
    expect(response.statusCode).toBe(503);
    // The registration stays claimed for compensation: it can never log in.
    const [row] = await statuses();
    expect(row?.status).toBe('compensating');
    await sleep(900); // the late write lands: now an orphan profile exists
    expect(harness.users.profiles.has(row?.user_id as string)).toBe(true);

    expect(await harness.app.registrations.recoverStale()).toEqual({ compensated: 0, failed: 0 }); // not stale yet
    await age();
    expect(await harness.app.registrations.recoverStale()).toEqual({ compensated: 1, failed: 0 });
    await expectNoOrphans();
  });

  it('user service unavailable (503, retried): 503, compensated, recovery finishes it', async () => {
    harness.users.mode = 'unavailable';
    const before = harness.users.calls.length;
    const { response } = await register(harness, uniqueUsername('Down'));
    expect(response.statusCode).toBe(503);
    // Two PUT attempts (the client retries a 503 on an idempotent PUT), then the compensating DELETE.
    expect(harness.users.calls.slice(before).map((call) => call.method)).toEqual(['PUT', 'PUT', 'DELETE']);
    await age();
    await harness.app.registrations.recoverStale();
    await expectNoOrphans();
  });

  it('username taken at the user service (409): 409 username-taken, the pending row is gone, nothing deleted upstream', async () => {
    const username = uniqueUsername('Taken');
    harness.users.profiles.set('999', {
      id: '999',
      username: username.toLowerCase(),
      displayName: 'x',
      bio: '',
      avatarMediaId: null,
      followerCount: 0,
      followingCount: 0,
      postCount: 0,
      createdAt: new Date().toISOString(),
    });
    const before = harness.users.calls.length;
    const { response } = await register(harness, username);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'username-taken' });
    expect(harness.users.calls.slice(before).map((call) => call.method)).toEqual(['PUT']);
    expect(await statuses()).toEqual([]);
    expect(harness.users.profiles.has('999')).toBe(true);
    harness.users.profiles.delete('999');
    await expectNoOrphans();
  });

  it('the compensation itself fails: the row waits for the recovery loop, which retries until it succeeds', async () => {
    harness.users.mode = 'fail-after-create';
    harness.users.failDeletes = true;
    const username = uniqueUsername('Stuck');
    const { response } = await register(harness, username);
    expect(response.statusCode).toBe(503);
    const [row] = await statuses();
    expect(row?.status).toBe('compensating');
    expect(harness.users.profiles.has(row?.user_id as string)).toBe(true);
    // Until it is compensated the username stays reserved and the account cannot log in.
    expect((await login(harness, username)).statusCode).toBe(401);

    await age();
    expect(await harness.app.registrations.recoverStale()).toEqual({ compensated: 0, failed: 1 });
    harness.users.failDeletes = false;
    // The failed pass refreshed the claim: it is retried after another threshold, not at once.
    expect(await harness.app.registrations.recoverStale()).toEqual({ compensated: 0, failed: 0 });
    await age();
    expect(await harness.app.registrations.recoverStale()).toEqual({ compensated: 1, failed: 0 });
    await expectNoOrphans();
  });

  it('a crash between steps (pending rows with and without a profile) is compensated; fresh ones are left alone', async () => {
    const hash = await harness.passwords.hash('irrelevant password');
    const db = harness.database.db;
    const rows = [
      {
        user_id: '7000000000000001',
        username: uniqueUsername('CrashA'),
        password_hash: hash,
        status: 'pending' as const,
      },
      {
        user_id: '7000000000000002',
        username: uniqueUsername('CrashB'),
        password_hash: hash,
        status: 'pending' as const,
      },
    ];
    await db.insertInto('credentials').values(rows).execute();
    // Crashed after the PUT: the profile exists.
    harness.users.profiles.set('7000000000000001', {
      id: '7000000000000001',
      username: rows[0]?.username as string,
      displayName: 'x',
      bio: '',
      avatarMediaId: null,
      followerCount: 0,
      followingCount: 0,
      postCount: 0,
      createdAt: new Date().toISOString(),
    });
    await age();
    const fresh = {
      user_id: '7000000000000003',
      username: uniqueUsername('InFlight'),
      password_hash: hash,
      status: 'pending' as const,
    };
    await db.insertInto('credentials').values(fresh).execute();

    expect(await harness.app.registrations.recoverStale()).toEqual({ compensated: 2, failed: 0 });
    expect((await statuses()).map((row) => row.user_id)).toEqual(['7000000000000003']);
    expect(harness.users.profiles.has('7000000000000001')).toBe(false);
    await db.deleteFrom('credentials').where('user_id', '=', '7000000000000003').execute();
    await expectNoOrphans();
  });

  it('a saga slower than the recovery threshold is compensated, and cannot activate afterwards', async () => {
    harness.users.mode = 'slow-answer';
    harness.users.slowMs = 1_500;
    const username = uniqueUsername('Late');
    const pending = register(harness, username);
    // Wait for the PUT to have stored the profile (its answer is still held back) rather than for a fixed
    // time: on a loaded machine hashing and the first round trip can take longer than any guess.
    const deadline = Date.now() + 10_000;
    while (![...harness.users.profiles.values()].some((profile) => profile.username === username)) {
      if (Date.now() > deadline) throw new Error('the user service never received the PUT');
      await sleep(10);
    }
    await age();
    expect(await harness.app.registrations.recoverStale()).toEqual({ compensated: 1, failed: 0 });
    const { response } = await pending;
    expect(response.statusCode).toBe(503);
    await expectNoOrphans();
  });

  it('the background loop compensates by itself', async () => {
    const looping = await startAuthHarness({ recoveryIntervalMs: 100, recoveryStaleAfterMs: 200 });
    try {
      looping.users.mode = 'fail-after-create';
      looping.users.failDeletes = true;
      expect((await register(looping, uniqueUsername('Loop'))).response.statusCode).toBe(503);
      expect(looping.users.profiles.size).toBe(1);
      looping.users.failDeletes = false;
      const deadline = Date.now() + 5000;
      while (
        Date.now() < deadline &&
        ((await rowCounts(looping.database)).credentials > 0 || looping.users.profiles.size > 0)
      ) {
        await sleep(50);
      }
      expect(await rowCounts(looping.database)).toEqual({ credentials: 0, families: 0, tokens: 0 });
      expect(looping.users.profiles.size).toBe(0);
    } finally {
      await looping.close();
    }
  });
});
