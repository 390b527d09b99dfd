// Route schemas of the post service that the contracts package does not define itself.
import { Id } from '@scalegram/contracts/ids';
import Type from 'typebox';

export const PostRef = Type.Ref('Post');
export const CommentRef = Type.Ref('Comment');
export const ProblemRef = Type.Ref('Problem');
export const NoContent = Type.Null({ description: 'No content' });

export const CommentParams = Type.Object({ id: Id, commentId: Id }, { additionalProperties: false });

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): a Structured Field string, so a quoted
 * value; an unquoted token is accepted too, as most clients send one.
 */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 257, pattern: '^"?[\\x21\\x23-\\x7E]{1,255}"?$' }),
  ),
});

/** Errors every authenticated route can answer. */
export const AUTHENTICATED_ERRORS = { 400: ProblemRef, 401: ProblemRef, 403: ProblemRef, 503: ProblemRef } as const;
/** Errors of a route with a JSON body. */
export const BODY_ERRORS = { 413: ProblemRef, 415: ProblemRef } as const;
