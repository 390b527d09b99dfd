// Events the user service publishes (through its outbox) on the USERS stream.
import Type from 'typebox';
import { EVENT_RETENTION_MS, EventEnvelope, type StreamDefinition } from './events.ts';
import { Id } from './ids.ts';

export const USERS_STREAM = {
  name: 'USERS',
  subjects: ['user.>'],
  retention: 'limits',
  maxAgeMs: EVENT_RETENTION_MS,
} as const satisfies StreamDefinition;
export const USER_EVENT_SOURCE = '/services/user';

export const UserEventType = {
  registered: 'user.registered',
  updated: 'user.updated',
  followed: 'user.followed',
  unfollowed: 'user.unfollowed',
  deleted: 'user.deleted',
} as const;

export const UserRegisteredData = Type.Object({ userId: Id, username: Type.String(), displayName: Type.String() });
export const UserUpdatedData = Type.Object({
  userId: Id,
  displayName: Type.String(),
  bio: Type.String(),
  avatarMediaId: Type.Union([Id, Type.Null()]),
});
export const UserFollowData = Type.Object({ followerId: Id, followeeId: Id });
export const UserDeletedData = Type.Object({ userId: Id });

export type UserRegisteredData = Type.Static<typeof UserRegisteredData>;
export type UserUpdatedData = Type.Static<typeof UserUpdatedData>;
export type UserFollowData = Type.Static<typeof UserFollowData>;
export type UserDeletedData = Type.Static<typeof UserDeletedData>;

/** Envelope schemas, one per event type: the event catalog validates against these. */
export const UserEvents = {
  [UserEventType.registered]: EventEnvelope(UserRegisteredData),
  [UserEventType.updated]: EventEnvelope(UserUpdatedData),
  [UserEventType.followed]: EventEnvelope(UserFollowData),
  [UserEventType.unfollowed]: EventEnvelope(UserFollowData),
  [UserEventType.deleted]: EventEnvelope(UserDeletedData),
} as const;
