// Schemas of the media routes that the contracts package does not already define.
import Type from 'typebox';

export const MediaRef = Type.Ref('Media');
export const ProblemRef = Type.Ref('Problem');

export const CompleteResponse = Type.Object({ id: Type.String(), status: Type.Literal('processing') });

/** Errors every authenticated route can answer. */
export const AUTHENTICATED_ERRORS = { 400: ProblemRef, 401: ProblemRef, 403: ProblemRef, 503: ProblemRef } as const;
