// Login sessions: a refresh-token family per login, access tokens naming the family as `sid`.
//   start:  new family + first refresh token + access token
//   rotate: the presented refresh token is spent and replaced, in one transaction with the family
//           locked. A token presented a second time means two parties hold it (the client and a
//           thief, we cannot tell which is which): the whole family is revoked (ADR 0015).
//   end:    logout revokes the family.
import { randomUUID } from 'node:crypto';
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { newRefreshToken, refreshTokenDigest } from '../domain/refresh-token.ts';
import type { SignedAccessToken, TokenIssuer } from '../keys/token-issuer.ts';
import type { AuthDatabase, AuthTransaction } from '../store/schema.ts';
import {
  createFamily,
  insertToken,
  lockTokenFamily,
  markTokenUsed,
  revokeFamily,
} from '../store/session-repository.ts';

export interface TokenPair extends SignedAccessToken {
  refreshToken: string;
}

export interface SessionServiceOptions {
  database: RelationalDatabase<AuthDatabase>;
  tokens: TokenIssuer;
  refreshTtlSeconds: number;
}

export interface SessionService {
  /** Allocates a session id and signs its first access token, without writing anything yet. */
  prepare(user: { userId: string; username: string }): Promise<PreparedSession>;
  /**
   * Stores a prepared session: the family and its first refresh token; inside `trx` when given
   * (registration activates the account and opens the session in one transaction).
   */
  commit(session: PreparedSession, trx?: AuthTransaction): Promise<TokenPair>;
  rotate(refreshToken: string): Promise<TokenPair>;
  /** Revokes the family of `refreshToken`; unknown or already revoked tokens are fine (idempotent). */
  end(refreshToken: string): Promise<void>;
}

export interface PreparedSession {
  sessionId: string;
  userId: string;
  access: SignedAccessToken;
}

function refused(code: string, detail: string): HttpProblem {
  return new HttpProblem(401, code, 'Invalid refresh token', { detail });
}

export function createSessionService(options: SessionServiceOptions): SessionService {
  const { database, tokens } = options;
  const expiry = () => new Date(Date.now() + options.refreshTtlSeconds * 1000);

  return {
    async prepare({ userId, username }) {
      const sessionId = randomUUID();
      return { sessionId, userId, access: await tokens.signAccessToken({ userId, username, sessionId }) };
    },

    async commit(session, trx) {
      const refreshToken = newRefreshToken();
      const store = (t: AuthTransaction) =>
        createFamily(t, {
          id: session.sessionId,
          userId: session.userId,
          tokenDigest: refreshTokenDigest(refreshToken),
          expiresAt: expiry(),
        });
      await (trx ? store(trx) : database.transaction(store));
      return { ...session.access, refreshToken };
    },

    async rotate(refreshToken) {
      const digest = refreshTokenDigest(refreshToken);
      // The transaction returns an outcome instead of throwing, so that a reuse revocation commits.
      const outcome = await database.transaction(async (trx) => {
        const token = await lockTokenFamily(trx, digest);
        if (token === undefined) return { kind: 'unknown' as const };
        if (token.familyRevokedAt !== null) return { kind: 'revoked' as const };
        if (token.usedAt !== null) {
          await revokeFamily(trx, token.familyId, 'reuse');
          return { kind: 'reused' as const };
        }
        if (token.expiresAt.getTime() <= Date.now()) return { kind: 'expired' as const };
        const next = newRefreshToken();
        await markTokenUsed(trx, digest);
        await insertToken(trx, token.familyId, refreshTokenDigest(next), expiry());
        return { kind: 'rotated' as const, next, token };
      });
      switch (outcome.kind) {
        case 'unknown':
          throw refused('invalid-refresh-token', 'The refresh token is not known.');
        case 'revoked':
          throw refused('refresh-token-revoked', 'The session of this refresh token has ended.');
        case 'reused':
          throw refused('refresh-token-reused', 'This refresh token was already used; the session has been revoked.');
        case 'expired':
          throw refused('refresh-token-expired', 'The refresh token has expired; log in again.');
        case 'rotated': {
          const { token, next } = outcome;
          const access = await tokens.signAccessToken({
            userId: token.userId,
            username: token.username,
            sessionId: token.familyId,
          });
          return { ...access, refreshToken: next };
        }
      }
    },

    async end(refreshToken) {
      const digest = refreshTokenDigest(refreshToken);
      await database.transaction(async (trx) => {
        const token = await lockTokenFamily(trx, digest);
        if (token !== undefined) await revokeFamily(trx, token.familyId, 'logout');
      });
    },
  };
}
