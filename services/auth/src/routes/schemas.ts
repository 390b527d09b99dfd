// Request and response schemas of the public auth routes. Every body is closed
// (additionalProperties: false) and every string bounded, so hostile input is refused by the schema
// before any handler, hash or query runs.
import { AuthSession, DisplayName, Username } from '@scalegram/contracts/users';
import Type from 'typebox';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/password-hasher.ts';
import { REFRESH_TOKEN_PATTERN } from '../domain/refresh-token.ts';

/** A new password: 8..128 characters (the upper bound caps the cost of hashing; see password-hasher.ts). */
export const NewPassword = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH });
/** A password being checked: any length up to the same bound (a rule change must not lock old accounts out). */
export const PresentedPassword = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });
export const RefreshToken = Type.String({ pattern: REFRESH_TOKEN_PATTERN, description: 'opaque, 43 characters' });

export const RegisterBody = Type.Object(
  { username: Username, password: NewPassword, displayName: Type.Optional(DisplayName) },
  // user_0 … user_961 are the demo data's: a new account takes a name after them.
  {
    additionalProperties: false,
    examples: [{ username: 'user_962', password: 'scalegram-demo', displayName: 'Lena Lopez' }],
  },
);
export const LoginBody = Type.Object(
  { username: Username, password: PresentedPassword },
  // A demo account, so that "Try it out" logs in as it stands.
  { additionalProperties: false, examples: [{ username: 'user_0', password: 'scalegram-demo' }] },
);
export const RefreshBody = Type.Object({ refreshToken: RefreshToken }, { additionalProperties: false });
export const PasswordBody = Type.Object(
  { currentPassword: PresentedPassword, newPassword: NewPassword },
  { additionalProperties: false },
);

export const TokenPair = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer({ minimum: 1, description: 'access token lifetime in seconds' }),
});

export { AuthSession };

export const ProblemRef = Type.Ref('Problem');
