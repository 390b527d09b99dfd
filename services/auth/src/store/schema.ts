// The auth database as Kysely sees it (migrations/0001_*.sql is the source of truth).
// bigint columns travel as decimal strings on both adapters (see docs/building-blocks/relational.md).
import type { ColumnType, Transaction } from 'kysely';

export type CredentialStatus = 'pending' | 'compensating' | 'active';
export type RevokeReason = 'logout' | 'reuse' | 'password-change';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default (`now()`): optional on insert. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CredentialsTable {
  user_id: string;
  username: string;
  password_hash: string;
  status: CredentialStatus;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface RefreshFamiliesTable {
  id: string;
  user_id: string;
  created_at: DefaultedTimestamp;
  revoked_at: Timestamp | null;
  revoke_reason: RevokeReason | null;
}

export interface RefreshTokensTable {
  token_hash: Uint8Array;
  family_id: string;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuthDatabase {
  credentials: CredentialsTable;
  refresh_families: RefreshFamiliesTable;
  refresh_tokens: RefreshTokensTable;
}

export type AuthTransaction = Transaction<AuthDatabase>;
