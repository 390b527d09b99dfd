-- User search (GET /api/v1/search/users): case-insensitive prefix match on the username and on the
-- display name. Each index is on the lower-cased value with the "C" collation, which is what lets one
-- b-tree serve both halves of the query: `lower(x) collate "C" like 'abc%'` becomes an index range
-- ('abc' <= key < 'abd'), and `order by lower(x) collate "C"` reads the range in order, so a page of 20
-- stops after about 20 index entries whatever the number of matches. (With a non-C database collation,
-- a default-opclass index serves neither; text_pattern_ops would serve the LIKE but not the ORDER BY.)
-- The exact-username branch uses users_username_lower_key from 0001.
-- `if not exists`: on a large live table, build both first with `create index concurrently` under these
-- names (no write lock); this migration then skips them.
create index if not exists users_username_prefix on users ((lower(username) collate "C"));
create index if not exists users_display_name_prefix on users ((lower(display_name) collate "C"));
