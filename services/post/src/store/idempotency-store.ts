// Idempotency-Key records (draft-ietf-httpapi-idempotency-key-header; docs/adr/0023-idempotency-keys.md).
// A key is claimed before the work starts (state in_flight) and completed in the same transaction as the
// post it created, so "post exists" and "key completed with its response" are never out of step.
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { sql, type Transaction } from 'kysely';
import type { PostDatabase } from './schema.ts';

/** How long a completed key answers replays. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-flight claim older than this belongs to a crashed request and may be taken over. */
export const IN_FLIGHT_LEASE_MS = 60 * 1000;

export interface IdempotencyClaim {
  database: RelationalDatabase<PostDatabase>;
  userId: string;
  key: string;
}

export interface StoredResponse {
  status: number;
  location: string | null;
  body: unknown;
}

export type ClaimResult = { kind: 'claimed'; claim: IdempotencyClaim } | { kind: 'replay'; response: StoredResponse };

/**
 * Claims `key` for this request, or explains why not: a completed key with the same fingerprint is a
 * replay; a different fingerprint is 422; a live in-flight claim is 409. One upsert decides atomically,
 * so two concurrent requests with one key cannot both claim it.
 */
export async function claimIdempotencyKey(
  database: RelationalDatabase<PostDatabase>,
  userId: string,
  key: string,
  fingerprint: string,
): Promise<ClaimResult> {
  const expiresAt = new Date(Date.now() + IDEMPOTENCY_KEY_TTL_MS);
  const leaseMs = IN_FLIGHT_LEASE_MS;
  const claimed = await database.db
    .insertInto('idempotency_keys')
    .values({ user_id: userId, key, fingerprint, state: 'in_flight', expires_at: expiresAt })
    .onConflict((conflict) =>
      conflict
        .columns(['user_id', 'key'])
        .doUpdateSet({
          fingerprint,
          state: 'in_flight',
          status: null,
          location: null,
          body: null,
          started_at: sql`now()`,
          expires_at: expiresAt,
        })
        // Only an expired key, or an in-flight claim abandoned by a crashed request, is taken over.
        .where((eb) =>
          eb.or([
            eb('idempotency_keys.expires_at', '<', sql<Date>`now()`),
            eb.and([
              eb('idempotency_keys.state', '=', 'in_flight'),
              eb('idempotency_keys.started_at', '<', sql<Date>`now() - ${leaseMs} * interval '1 millisecond'`),
            ]),
          ]),
        ),
    )
    .returning('key')
    .executeTakeFirst();
  if (claimed !== undefined) return { kind: 'claimed', claim: { database, userId, key } };

  const existing = await database.db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
  // Released between our two statements: the other request failed; ask the client to try again.
  if (existing === undefined || existing.state === 'in_flight') {
    throw new HttpProblem(409, 'idempotency-key-in-flight', 'A request with this Idempotency-Key is in progress', {
      detail: 'Retry once the first request has finished',
      headers: { 'retry-after': '1' },
    });
  }
  if (existing.fingerprint !== fingerprint) {
    throw new HttpProblem(422, 'idempotency-key-mismatch', 'Idempotency-Key reused with a different request', {
      detail: 'This key was used with a different body; use a new key for a new request',
    });
  }
  return {
    kind: 'replay',
    response: { status: existing.status ?? 200, location: existing.location, body: existing.body },
  };
}

/** Records the response; call inside the transaction that made the change. */
export async function completeIdempotencyKey(
  trx: Transaction<PostDatabase>,
  claim: IdempotencyClaim,
  response: StoredResponse,
): Promise<void> {
  await trx
    .updateTable('idempotency_keys')
    .set({
      state: 'completed',
      status: response.status,
      location: response.location,
      body: JSON.stringify(response.body),
    })
    .where('user_id', '=', claim.userId)
    .where('key', '=', claim.key)
    .execute();
}

/** A failed attempt (4xx/5xx) releases the key, so the client can retry it with the same key. */
export async function releaseIdempotencyKey(claim: IdempotencyClaim): Promise<void> {
  await claim.database.db
    .deleteFrom('idempotency_keys')
    .where('user_id', '=', claim.userId)
    .where('key', '=', claim.key)
    .where('state', '=', 'in_flight')
    .execute();
}

/** Deletes expired keys; run periodically by the server. */
export async function deleteExpiredIdempotencyKeys(database: RelationalDatabase<PostDatabase>): Promise<number> {
  const result = await database.db
    .deleteFrom('idempotency_keys')
    .where('expires_at', '<', new Date())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
