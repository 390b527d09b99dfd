-- Credentials: one row per user id. `username` keeps the spelling the user chose; uniqueness is
-- case-insensitive (`Alice` and `alice` are the same login name), as in the user service.
-- `status` is the registration saga's state on this side (ADR 0016):
--   pending       the row is written, the profile at the user service may or may not exist yet;
--   compensating  a step failed (or the row went stale): the profile must be deleted, then the row;
--   active        the saga completed: the user can log in.
CREATE TABLE credentials (
  user_id       bigint PRIMARY KEY,
  username      text NOT NULL,
  password_hash text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'compensating', 'active')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX credentials_username_key ON credentials (lower(username));
-- The recovery loop scans only unfinished registrations; a partial index keeps that scan tiny.
CREATE INDEX credentials_unfinished_idx ON credentials (updated_at) WHERE status <> 'active';

-- A refresh-token family is one login session (the `sid` claim of its access tokens). Every use of a
-- refresh token replaces it with a new one in the same family; the family row is what operations on
-- a session lock, so a rotation and a reuse-triggered revocation can never interleave.
CREATE TABLE refresh_families (
  id            uuid PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES credentials (user_id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  revoke_reason text CHECK (revoke_reason IN ('logout', 'reuse', 'password-change'))
);
CREATE INDEX refresh_families_user_idx ON refresh_families (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens are stored only as SHA-256 digests: a leaked table does not leak usable tokens.
CREATE TABLE refresh_tokens (
  token_hash bytea PRIMARY KEY,
  family_id  uuid NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
-- For a periodic clean-up of expired tokens.
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);
