// Password hashing with argon2id (RFC 9106) through @node-rs/argon2 (Rust, prebuilt, runs off the
// event loop on libuv's thread pool).
//
// Parameters: OWASP Password Storage Cheat Sheet's first argon2id configuration — m = 19 MiB,
// t = 2 iterations, p = 1 — which costs about 7.5 ms per hash on the development machine (measured by
// bench/login.ts). The parameters are encoded in every hash (`$argon2id$v=19$m=19456,t=2,p=1$...`), so
// raising them later only affects new hashes; `needsRehash` tells a login to upgrade an old one.
//
// Passwords are limited to 8..128 characters at the HTTP schema: argon2 accepts arbitrarily long
// inputs, but it first hashes the whole input, so without a bound a client could make every login
// attempt hash megabytes. 128 characters is far beyond any passphrase a person types.
import { randomBytes } from 'node:crypto';
import { type Algorithm, hash, type Options, verify } from '@node-rs/argon2';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

// `Algorithm` is a const enum, which verbatimModuleSyntax cannot inline: 2 is Algorithm.Argon2id.
const ARGON2ID = 2 as Algorithm;

export const ARGON2_PARAMETERS = {
  algorithm: ARGON2ID,
  memoryCost: 19 * 1024, // KiB
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when `password` matches `encoded`. A malformed hash counts as a mismatch. */
  verify(encoded: string, password: string): Promise<boolean>;
  /**
   * Spends the same time as a `verify` against a real hash, and returns false. Used when the username
   * does not exist, so the response time does not reveal which usernames are registered.
   */
  verifyDummy(password: string): Promise<false>;
}

export async function createPasswordHasher(parameters: Options = ARGON2_PARAMETERS): Promise<PasswordHasher> {
  // A hash of a random secret nobody knows, with the same parameters as real hashes.
  const dummy = await hash(randomBytes(32).toString('base64url'), parameters);
  const check = async (encoded: string, password: string) => {
    try {
      // The argon2 crate compares the digests in constant time.
      return await verify(encoded, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, parameters),
    verify: check,
    async verifyDummy(password) {
      await check(dummy, password);
      return false;
    },
  };
}
