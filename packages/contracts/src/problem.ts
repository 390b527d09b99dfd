// RFC 9457 problem details: the one error shape every service and the gateway answer with.
import Type from 'typebox';

/** Base of every problem `type` URI; the suffix is the stable, machine-readable error code. */
export const PROBLEM_TYPE_BASE = 'https://scalegram.dev/problems/';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemFieldError = Type.Object({
  /** JSON pointer or dotted path of the offending field, e.g. `/body/username`. */
  field: Type.String(),
  message: Type.String(),
});

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI naming the kind of problem; stable across releases' }),
    title: Type.String({ description: 'Short, human-readable summary of the kind of problem' }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String({ description: 'Explanation of this occurrence' })),
    instance: Type.Optional(Type.String({ description: 'The request path that produced it' })),
    code: Type.String({ description: 'Stable machine-readable error code (the last segment of `type`)' }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(ProblemFieldError)),
  },
  {
    $id: 'Problem',
    additionalProperties: true,
    // What GET /api/v1/users/by-username/user_962 answers while the demo data ends at user_961.
    examples: [
      {
        type: 'https://scalegram.dev/problems/user-not-found',
        title: 'Not Found',
        status: 404,
        detail: 'user user_962 does not exist',
        instance: '/api/v1/users/by-username/user_962',
        code: 'user-not-found',
        requestId: '5f0c6e1e-3b4f-4c1a-9d56-0d5a4c1f2b7e',
      },
    ],
  },
);
export type Problem = Type.Static<typeof Problem>;

export function problemType(code: string): string {
  return `${PROBLEM_TYPE_BASE}${code}`;
}
