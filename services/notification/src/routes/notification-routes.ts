// The caller's notifications: a page (newest change first) with the unread count, and "mark read".

import { MarkReadRequest, MarkReadResponse, NotificationPage } from '@scalegram/contracts/notifications';
import { DEFAULT_PAGE_LIMIT, PageQuery } from '@scalegram/contracts/pagination';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
import { BEARER_AUTH } from '@scalegram/kit/openapi-responses';
import type { NotificationContext } from '../notification-context.ts';
import { markRead } from '../store/notification-commands.ts';
import { listNotifications, unreadCount } from '../store/notification-queries.ts';
import { AUTHENTICATED_ERRORS, BODY_ERRORS, ProblemRef } from './route-schemas.ts';
import { assertStorableIds } from './storable-id.ts';

export async function notificationRoutes(app: App, { context }: { context: NotificationContext }): Promise<void> {
  // Before validation: an anonymous caller gets 401, whatever it sent.
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/notifications',
    {
      schema: {
        summary: "The caller's notifications, most recently changed first, with the unread count",
        operationId: 'listNotifications',
        description:
          'Follows, likes, comments and mentions, with the count of unread ones. Cursor pagination as elsewhere.',
        security: BEARER_AUTH,
        tags: ['notifications'],
        querystring: PageQuery,
        response: { 200: NotificationPage, ...AUTHENTICATED_ERRORS },
      },
    },
    async (request) => {
      const userId = requireUserId(request);
      const { cursor, limit = DEFAULT_PAGE_LIMIT } = request.query;
      return listNotifications(context.database, userId, { cursor, limit });
    },
  );

  app.post(
    '/notifications/read',
    {
      schema: {
        summary:
          'Mark read every notification changed no later than `upTo` (the newest one shown); answers the unread count left',
        operationId: 'markNotificationsRead',
        description:
          'Pass the id of the newest notification shown as `upTo`, so that one arriving meanwhile stays unread.',
        security: BEARER_AUTH,
        tags: ['notifications'],
        body: MarkReadRequest,
        response: { 200: MarkReadResponse, ...AUTHENTICATED_ERRORS, ...BODY_ERRORS, 404: ProblemRef },
      },
    },
    async (request) => {
      const userId = requireUserId(request);
      assertStorableIds({ '/body/upTo': request.body.upTo });
      await markRead(context.database, userId, request.body.upTo);
      return { unreadCount: await unreadCount(context.database, userId) };
    },
  );
}
