// What the user service announces, written to the outbox inside the transaction of the change it
// describes: the event exists if and only if the change committed (docs/adr/0006-outbox-relay.md).
// The bus subject is the event type (`user.followed`), captured by the USERS stream (`user.>`).
import { createEvent } from '@scalegram/contracts/events';
import {
  USER_EVENT_SOURCE,
  type UserDeletedData,
  UserEventType,
  type UserFollowData,
  type UserRegisteredData,
  type UserUpdatedData,
} from '@scalegram/contracts/user-events';
import { enqueueEvents } from '@scalegram/relational/outbox';
import type { Transaction } from 'kysely';
import type { UserDatabase } from '../store/schema.ts';

type Trx = Transaction<UserDatabase>;

async function enqueue<D>(trx: Trx, type: string, subject: string, data: D): Promise<void> {
  await enqueueEvents(trx, [createEvent({ type, source: USER_EVENT_SOURCE, subject, data })], { subject: type });
}

export const enqueueUserRegistered = (trx: Trx, data: UserRegisteredData) =>
  enqueue(trx, UserEventType.registered, data.userId, data);

export const enqueueUserUpdated = (trx: Trx, data: UserUpdatedData) =>
  enqueue(trx, UserEventType.updated, data.userId, data);

// Follow events are about the follower (their "following" list changed), so per-follower order holds.
export const enqueueUserFollowed = (trx: Trx, data: UserFollowData) =>
  enqueue(trx, UserEventType.followed, data.followerId, data);

export const enqueueUserUnfollowed = (trx: Trx, data: UserFollowData) =>
  enqueue(trx, UserEventType.unfollowed, data.followerId, data);

export const enqueueUserDeleted = (trx: Trx, data: UserDeletedData) =>
  enqueue(trx, UserEventType.deleted, data.userId, data);
