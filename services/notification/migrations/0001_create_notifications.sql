-- The notification service's tables (src/store/schema.ts). See docs/adr for why they look like this:
-- collapsing and idempotency (notifications, notification_actors, processed_events) and live delivery
-- with resume (notification_inboxes.last_seq, notifications.seq).

-- One row per recipient. `last_seq` numbers every change of that user's notifications (1, 2, 3, ...):
-- it is the SSE event id. Every change locks this row first, so one user's changes commit in seq order
-- and "everything after id X" read from the table never misses a change that commits later.
create table notification_inboxes (
  user_id  bigint primary key,
  last_seq bigint not null default 0
);

create table notifications (
  id           bigint generated always as identity primary key,
  user_id      bigint not null,
  type         text not null check (type in ('follow', 'like', 'comment', 'mention')),
  post_id      bigint,
  comment_id   bigint,
  -- Most recent first, at most 3 (decimal strings); actor_count counts every distinct actor.
  actor_ids    jsonb not null,
  actor_count  integer not null check (actor_count >= 1),
  read         boolean not null default false,
  -- The inbox seq of this notification's latest change: the list order and the SSE event id.
  seq          bigint not null,
  -- Unread notifications with the same key collapse ('like:<post>', 'comment:<post>', 'follow');
  -- null never collapses (mentions).
  collapse_key text,
  -- At most one notification per user and key, read or not ('mention:<post>:<comment or 0>').
  dedupe_key   text,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create unique index notifications_by_seq on notifications (user_id, seq);
create index notifications_collapsible on notifications (user_id, collapse_key) where not read and collapse_key is not null;
create unique index notifications_dedupe on notifications (user_id, dedupe_key) where dedupe_key is not null;
create index notifications_unread on notifications (user_id) where not read;
create index notifications_by_post on notifications (post_id) where post_id is not null;

-- Every distinct actor of a notification: what actor_count counts, and what makes a repeated like by
-- the same person (like, unlike, like) change nothing.
create table notification_actors (
  notification_id bigint not null references notifications (id) on delete cascade,
  actor_id        bigint not null,
  acted_at        timestamptz not null default now(),
  primary key (notification_id, actor_id)
);

-- Events already applied, recorded in the same transaction as their effect: a redelivery changes
-- nothing. recipient_ids (whom the event was for) lets a redelivery re-announce their latest seq (the
-- first delivery may have committed and died before its live message went out).
create table processed_events (
  event_id      text primary key,
  recipient_ids jsonb not null default '[]',
  processed_at  timestamptz not null default now()
);
create index processed_events_age on processed_events (processed_at);

-- Who a `@username` is: a projection of user.registered / user.deleted (lower-cased usernames).
create table known_users (
  user_id  bigint primary key,
  username text not null unique
);
