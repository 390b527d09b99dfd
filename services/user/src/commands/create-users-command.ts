// Profiles in bulk, for auth's bulk registration (the demo seeder, ADR 0041): the same rows and
// `user.registered` events as PUT /internal/users/:id one by one, in one transaction. Idempotent per
// user like that route (an id that exists with the same username is a replay); all or nothing
// otherwise: a username taken by someone else, or an id taken under another name, refuses the batch.
import { ConflictError } from '@scalegram/contracts/errors';
import { createEvent } from '@scalegram/contracts/events';
import { USER_EVENT_SOURCE, UserEventType } from '@scalegram/contracts/user-events';
import type { UserProfile } from '@scalegram/contracts/users';
import { UniqueViolationError } from '@scalegram/relational/errors';
import { enqueueEvents } from '@scalegram/relational/outbox';
import { initialDisplayName, PROFILE_COLUMNS, toProfile, usernameKey } from '../domain/profile.ts';
import type { UserContext } from '../user-context.ts';
import type { CreateUserInput } from './profile-commands.ts';

export async function createUsers(context: UserContext, inputs: readonly CreateUserInput[]): Promise<UserProfile[]> {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const input of inputs) {
    if (ids.has(input.id)) throw new ConflictError(`user ${input.id} appears twice`, { code: 'user-id-conflict' });
    if (names.has(usernameKey(input.username))) {
      throw new ConflictError(`the username ${input.username} appears twice`, { code: 'username-taken' });
    }
    ids.add(input.id);
    names.add(usernameKey(input.username));
  }
  try {
    const rows = await context.database.transaction(async (trx) => {
      const existing = await trx
        .selectFrom('users')
        .select(PROFILE_COLUMNS)
        .where(
          'id',
          'in',
          inputs.map((input) => input.id),
        )
        .execute();
      const byId = new Map(existing.map((row) => [row.id, row]));
      for (const input of inputs) {
        const row = byId.get(input.id);
        if (row !== undefined && row.username !== input.username) {
          throw new ConflictError(`user ${input.id} exists with another username`, { code: 'user-id-conflict' });
        }
      }
      const fresh = inputs.filter((input) => !byId.has(input.id));
      const inserted =
        fresh.length === 0
          ? []
          : await trx
              .insertInto('users')
              .values(
                fresh.map((input) => ({
                  id: input.id,
                  username: input.username,
                  display_name: initialDisplayName(input.username, input.displayName),
                  avatar_media_id: null,
                })),
              )
              .returning(PROFILE_COLUMNS)
              .execute();
      const insertedById = new Map(inserted.map((row) => [row.id, row]));
      // One user.registered per new profile, in request order, exactly as the single route writes it.
      await enqueueEvents(
        trx,
        fresh.map((input) => {
          const row = insertedById.get(input.id);
          if (row === undefined) throw new Error(`profile ${input.id} was not inserted`);
          return createEvent({
            type: UserEventType.registered,
            source: USER_EVENT_SOURCE,
            subject: row.id,
            data: { userId: row.id, username: row.username, displayName: row.display_name },
          });
        }),
        { subject: UserEventType.registered },
      );
      return inputs.map((input) => byId.get(input.id) ?? insertedById.get(input.id));
    });
    return rows.map((row) => toProfile(row as NonNullable<typeof row>));
  } catch (error) {
    if (error instanceof UniqueViolationError) {
      throw new ConflictError('a username in the batch is taken', { code: 'username-taken', cause: error });
    }
    throw error;
  }
}
