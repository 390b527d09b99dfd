// Route schemas of the notification service that the contracts package does not define itself.
import Type from 'typebox';

export const ProblemRef = Type.Ref('Problem');
export const NotificationRef = Type.Ref('Notification');

/** Errors every authenticated route can answer. */
export const AUTHENTICATED_ERRORS = { 400: ProblemRef, 401: ProblemRef, 403: ProblemRef, 503: ProblemRef } as const;
/** Errors of a route with a JSON body. */
export const BODY_ERRORS = { 413: ProblemRef, 415: ProblemRef } as const;
