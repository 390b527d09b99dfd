// Builds the notification service's Fastify app from adapters created elsewhere (service.ts, tests, or
// the embedded all-in-one runner): no I/O here, and nothing is opened that this file would have to close
// except the SSE streams its own route opens, which it ends when the app closes.
import { Notification } from '@scalegram/contracts/notifications';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import { authenticationPlugin } from '@scalegram/kit/authentication';
import type { LogLevel } from '@scalegram/kit/logging';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { Gauge } from 'prom-client';
import type { LiveHub } from './live/live-hub.ts';
import type { SseStream } from './live/sse-stream.ts';
import type { NotificationContext } from './notification-context.ts';
import { notificationRoutes } from './routes/notification-routes.ts';
import { notificationStreamRoutes } from './routes/notification-stream-routes.ts';
import type { NotificationDatabase } from './store/schema.ts';

export const SERVICE_NAME = 'notification';
export const SERVICE_VERSION = '0.1.0';

// The only body is `{ "upTo": "<id>" }`.
export const NOTIFICATION_BODY_LIMIT = 4 * 1024;

export interface NotificationAppDeps {
  database: RelationalDatabase<NotificationDatabase>;
  hub: LiveHub;
  /** Verifies user access tokens (audience `scalegram`). */
  userVerifier: AccessTokenVerifier;
  heartbeatMs: number;
  retryMs: number;
  maxStreamsPerUser: number;
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

export function buildNotificationApp(deps: NotificationAppDeps): App {
  const app = createApp({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    ...(deps.logLevel === undefined ? {} : { logLevel: deps.logLevel }),
    ...(deps.logDestination === undefined ? {} : { logDestination: deps.logDestination }),
    bodyLimit: NOTIFICATION_BODY_LIMIT,
    openapi: { title: 'Scalegram notification service' },
    readinessChecks: [{ name: 'postgres', check: () => deps.database.ping() }],
  });
  app.addSchema(Notification);

  const streams = new Set<SseStream>();
  const context: NotificationContext = {
    database: deps.database,
    hub: deps.hub,
    userVerifier: deps.userVerifier,
    streams,
    streamsPerUser: new Map(),
    maxStreamsPerUser: deps.maxStreamsPerUser,
    heartbeatMs: deps.heartbeatMs,
    retryMs: deps.retryMs,
  };

  // Registered as a plugin: app.metrics exists once kit's metrics plugin has loaded.
  app.register(async (instance: App) => {
    new Gauge({
      name: 'notification_sse_streams',
      help: 'Server-Sent Events streams open on this replica',
      registers: [instance.metrics.registry],
      collect() {
        this.set(streams.size);
      },
    });
    new Gauge({
      name: 'notification_live_subscriptions',
      help: 'Users this replica is subscribed for on the live subjects',
      registers: [instance.metrics.registry],
      collect() {
        this.set(deps.hub.subscribedUsers());
      },
    });
  });

  // Streams never finish on their own, so the HTTP server could not close while one is open. Readiness
  // is already off when close begins (runService); ending the streams here, before the server stops
  // listening, sends their clients to reconnect to another replica with their Last-Event-ID.
  app.addHook('preClose', async () => {
    const open = [...streams];
    for (const stream of open) stream.end();
    await Promise.all(open.map((stream) => stream.closed));
  });

  app.register(authenticationPlugin, { verifier: deps.userVerifier });
  app.register(notificationRoutes, { prefix: '/api/v1', context });
  app.register(notificationStreamRoutes, { prefix: '/api/v1', context });
  return app;
}
