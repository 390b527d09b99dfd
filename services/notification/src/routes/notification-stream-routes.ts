// GET /notifications/stream: the caller's notifications as they happen, over Server-Sent Events.
// The token comes as `Authorization: Bearer` or, for browsers' EventSource (which cannot send headers),
// as `?access_token=`. Resume: the `Last-Event-ID` header a browser sends on its own when it reconnects,
// or `?lastEventId=`; the header wins, because a reconnecting EventSource repeats the original URL.

import { ID_PATTERN } from '@scalegram/contracts/ids';
import { NotificationStreamQuery } from '@scalegram/contracts/notifications';
import type { Identity } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { requireIdentity } from '@scalegram/kit/authentication';
import { HttpProblem } from '@scalegram/kit/http-problem';
import { BEARER_OR_QUERY_TOKEN_AUTH } from '@scalegram/kit/openapi-responses';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { openSseStream, type SseStream } from '../live/sse-stream.ts';
import type { NotificationContext } from '../notification-context.ts';
import { AUTHENTICATED_ERRORS, ProblemRef } from './route-schemas.ts';
import { assertStorableIds } from './storable-id.ts';

const StreamHeaders = Type.Object({
  'last-event-id': Type.Optional(Type.String({ pattern: ID_PATTERN })),
});

/** The request as logged: like Fastify's default, with a token in the query replaced (logs outlive tokens). */
function requestWithoutToken(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url.replace(/([?&]access_token=)[^&]*/, '$1[redacted]'),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

async function streamIdentity(
  request: FastifyRequest<{ Querystring: NotificationStreamQuery }>,
  context: NotificationContext,
): Promise<Identity> {
  const queryToken = request.query.access_token;
  if (request.headers.authorization === undefined && queryToken !== undefined) {
    return context.userVerifier.verify(queryToken);
  }
  return requireIdentity(request);
}

export async function notificationStreamRoutes(app: App, { context }: { context: NotificationContext }): Promise<void> {
  app.get(
    '/notifications/stream',
    {
      logSerializers: { req: requestWithoutToken },
      schema: {
        summary:
          'Server-Sent Events: `id: <seq>`, `event: notification`, `data: <Notification>` as they happen; `: ping` heartbeats; resumes after Last-Event-ID',
        operationId: 'streamNotifications',
        description:
          "A live stream of the caller's notifications (text/event-stream). EventSource cannot send headers, so the access token may also come as the `access_token` query parameter. After a reconnect, `Last-Event-ID` (or `lastEventId`) replays what was missed.",
        security: BEARER_OR_QUERY_TOKEN_AUTH,
        tags: ['notifications'],
        querystring: NotificationStreamQuery,
        headers: StreamHeaders,
        response: {
          200: {
            description: 'An event stream, open until the client leaves, the token expires or the replica stops',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...AUTHENTICATED_ERRORS,
          429: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      const identity = await streamIdentity(request, context);
      if (identity.userId === undefined) {
        throw new HttpProblem(403, 'user-token-required', 'Forbidden', {
          detail: 'This route acts on behalf of a user.',
        });
      }
      const userId = identity.userId;
      const lastEventId = request.headers['last-event-id'] ?? request.query.lastEventId;
      if (lastEventId !== undefined) assertStorableIds({ '/headers/last-event-id': lastEventId });
      const held = context.streamsPerUser.get(userId) ?? 0;
      if (held >= context.maxStreamsPerUser) {
        throw new HttpProblem(429, 'too-many-streams', 'Too many open streams', {
          detail: `At most ${context.maxStreamsPerUser} notification streams per user on one replica; close one first.`,
        });
      }

      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (typeof value === 'string') headers[name] = value;
      }
      // Counted before the first await, so concurrent requests cannot overshoot the limit.
      context.streamsPerUser.set(userId, held + 1);
      const release = () => {
        const left = (context.streamsPerUser.get(userId) ?? 1) - 1;
        if (left > 0) context.streamsPerUser.set(userId, left);
        else context.streamsPerUser.delete(userId);
      };
      let stream: SseStream;
      try {
        stream = await openSseStream({
          database: context.database,
          hub: context.hub,
          userId,
          lastEventId,
          heartbeatMs: context.heartbeatMs,
          retryMs: context.retryMs,
          closeAt: identity.expiresAt,
          response: reply.raw,
          headers,
          logger: request.log,
          onOpen: () => reply.hijack(),
        });
      } catch (error) {
        release();
        throw error;
      }
      context.streams.add(stream);
      stream.closed.then(() => {
        context.streams.delete(stream);
        release();
      });
      return reply;
    },
  );
}
