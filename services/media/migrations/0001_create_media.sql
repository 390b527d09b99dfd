-- Media metadata. The bytes live in the file store: the original at object_key, the variants at the
-- keys recorded in `variants` (written by the media worker, reported through media.processed).
create table media (
  -- Instagram-style 64-bit id on the owner's logical shard (the id sorts by creation time).
  id             bigint primary key,
  owner_id       bigint not null,
  status         text not null default 'pending'
                 check (status in ('pending', 'processing', 'ready', 'failed')),
  kind           text not null check (kind in ('image', 'video')),
  -- Declared at upload; replaced by the type the worker detected from the bytes once processed.
  content_type   text not null,
  -- The exact size the presigned upload was bound to.
  size           bigint not null check (size > 0),
  object_key     text not null,
  width          integer check (width > 0),
  height         integer check (height > 0),
  duration_ms    integer check (duration_ms >= 0),
  -- { name: { key, width, height, contentType } }; URLs are made on read (presigned or public base).
  variants       jsonb not null default '{}'::jsonb,
  placeholder    text,
  failure_reason text,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now()
);
-- "My media, newest first" and the ownership checks.
create index media_owner on media (owner_id, id desc);
