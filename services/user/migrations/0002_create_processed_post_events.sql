-- Post events already applied to users.post_count (src/events/post-count-consumer.ts). JetStream
-- delivers at least once, so the consumer records each event id in the same transaction as the counter
-- change: a redelivered event finds its id here and changes nothing.
create table processed_post_events (
  event_id     text primary key,
  processed_at timestamptz not null default now()
);
-- Rows only need to outlive redelivery; the consumer deletes old ones (by this index).
create index processed_post_events_age on processed_post_events (processed_at);
