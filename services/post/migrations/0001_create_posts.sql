-- The post service's tables. Applied unchanged to every physical shard: a shard holds the posts of the
-- authors whose logical shards map onto it, and the likes, comments and idempotency keys that go with them.
create table posts (
  -- Instagram-style id carrying the author's logical shard (docs/adr/0022-post-sharding.md).
  id            bigint primary key,
  author_id     bigint not null,
  text          text not null,
  -- Ordered list of media ids as decimal strings (order is the order the author chose).
  media_ids     jsonb not null default '[]',
  -- Kept exact in the same transaction as every like/unlike and comment (row lock on the post).
  like_count    bigint not null default 0 check (like_count >= 0),
  comment_count bigint not null default 0 check (comment_count >= 0),
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
-- A user's timeline, newest first: one index range scan per page (keyset pagination on the id).
create index posts_author_timeline on posts (author_id, id desc);

-- Likes: one row per (post, user) — the composite primary key is what makes PUT /like idempotent.
create table likes (
  post_id    bigint not null references posts (id) on delete cascade,
  user_id    bigint not null,
  created_at timestamptz not null default now(),
  primary key (post_id, user_id)
);

-- Comments live on their post's shard (their ids carry the post's logical shard).
create table comments (
  id         bigint primary key,
  post_id    bigint not null references posts (id) on delete cascade,
  author_id  bigint not null,
  text       text not null,
  created_at timestamptz not null default now()
);
create index comments_post_page on comments (post_id, id desc);

-- Idempotency-Key records (docs/adr/0023-idempotency-keys.md), on the author's shard so that the
-- completed response is stored in the same transaction as the post it describes.
create table idempotency_keys (
  user_id     bigint not null,
  key         text not null,
  fingerprint text not null,
  state       text not null check (state in ('in_flight', 'completed')),
  status      integer,
  location    text,
  body        jsonb,
  started_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  primary key (user_id, key)
);
create index idempotency_keys_expiry on idempotency_keys (expires_at);
