// Small but real upstream services for the gateway tests: kit apps (createApp with OpenAPI, the
// authentication plugin verifying against the same JWKS) listening on ephemeral ports.

import { NotFoundError } from '@scalegram/contracts/errors';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, createApp } from '@scalegram/kit/app';
import { authenticationPlugin, requireUserId } from '@scalegram/kit/authentication';
import { HttpProblem } from '@scalegram/kit/http-problem';
import Type from 'typebox';
import { AUDIENCE, ISSUER, type SigningKey } from './signing-keys.ts';

export const SLOW_MS = 1500;

/** What an echo route reports back: the headers and body the upstream actually received. */
function echo(request: { method: string; url: string; headers: Record<string, unknown>; body?: unknown }) {
  return { method: request.method, url: request.url, headers: request.headers, body: request.body ?? null };
}

const quiet = { write: () => undefined };

export async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

/** Serves the JWKS (as the real auth service does) and a few auth-like routes. */
export function fakeAuthService(keys: { current: SigningKey[] }): App {
  const app = createApp({ name: 'auth', version: '1', openapi: { title: 'auth' }, logDestination: quiet });
  app.register(async (routes: App) => {
    routes.get('/.well-known/jwks.json', async () => ({ keys: keys.current.map((key) => key.publicJwk) }));
    routes.post(
      '/api/v1/auth/login',
      {
        schema: {
          body: Type.Object({ username: Type.String(), password: Type.String() }, { additionalProperties: false }),
          response: { 200: Type.Object({ accessToken: Type.String() }), 429: Type.Ref('Problem') },
        },
      },
      async (request) => {
        if (request.body.username === 'throttled') {
          throw new HttpProblem(429, 'login-throttled', 'Too Many Requests', {
            extra: { retryAfterSeconds: 7 },
            headers: { 'retry-after': '7' },
          });
        }
        return { accessToken: `token-for-${request.body.username}` };
      },
    );
    routes.post('/api/v1/auth/echo', async (request) => echo(request));
  });
  return app;
}

/** A user-like service: authenticated echo routes plus routes that misbehave on purpose. */
export function fakeUserService(signingKeys: { jwksUrl: string }): App {
  const app = createApp({ name: 'user', version: '1', openapi: { title: 'user' }, logDestination: quiet });
  const verifier = createAccessTokenVerifier({
    jwks: signingKeys.jwksUrl,
    issuer: ISSUER,
    audience: AUDIENCE,
    cooldownMs: 0,
  });
  app.register(authenticationPlugin, { verifier });
  app.register(async (routes: App) => {
    const Profile = Type.Object({ id: Type.String(), displayName: Type.String() }, { $id: 'UserProfile' });
    routes.addSchema(Profile);
    routes.get(
      '/api/v1/users/me',
      { preHandler: routes.authenticate, schema: { response: { 200: Type.Any() } } },
      async (request) => ({ userId: requireUserId(request), ...echo(request) }),
    );
    routes.patch(
      '/api/v1/users/me',
      {
        preHandler: routes.authenticate,
        schema: {
          body: Type.Object({ displayName: Type.String({ maxLength: 10 }) }, { additionalProperties: false }),
          response: { 200: Type.Ref('UserProfile') },
        },
      },
      async (request) => ({ id: requireUserId(request), displayName: request.body.displayName }),
    );
    routes.get(
      '/api/v1/users/:id',
      { preHandler: routes.authenticate, schema: { params: Type.Object({ id: Type.String() }) } },
      async (request, reply) => {
        if (request.params.id === 'missing') throw new NotFoundError('no such user');
        if (request.params.id === 'boom') throw new Error('database exploded at 10.0.0.7');
        if (request.params.id === 'slow') await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
        const etag = '"v1"';
        if (request.headers['if-none-match'] === etag) return reply.code(304).header('etag', etag).send();
        return reply
          .header('etag', etag)
          .header('cache-control', 'private, max-age=5')
          .header('connection', 'keep-alive')
          .header('x-internal-secret', 'do-not-leak')
          .header('ratelimit', '"user-reads";r=9;t=5')
          .send({ id: request.params.id, displayName: 'Someone' });
      },
    );
    routes.put('/api/v1/users/:id/follow', { preHandler: routes.authenticate }, async (_request, reply) =>
      reply.code(204).send(),
    );
    routes.post('/api/v1/users/things', { preHandler: routes.authenticate }, async (request, reply) => {
      // As the post service does for a key it has seen: the stored answer, marked as a replay.
      if (request.headers['idempotency-key'] === 'seen-before') reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('location', '/api/v1/users/things/9').send(echo(request));
    });
    routes.get('/internal/users/:id', async () => ({ internal: true }));
  });
  return app;
}
