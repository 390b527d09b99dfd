// EventSource (the browser's Server-Sent Events client) cannot send an Authorization header, so on the
// route rows marked `stream` — and only there — the access token may come as `?access_token=<jwt>`
// (RFC 6750 §2.3). This hook runs before token verification and turns it into the header the rest of
// the gateway already understands: the token is verified, the rate limit counts the user, and the
// header is forwarded upstream (with the query string, unchanged). A request that also sends the
// header keeps its header. Everywhere else the query parameter means nothing, so a token cannot leak
// into ordinary URLs by habit. (A URL with a token may end up in access logs: see README.)
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { pathOf } from '../domain/request-path.ts';
import type { RouteTable } from '../domain/route-table.ts';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

export const queryTokenPlugin = fp(
  async (app: FastifyInstance, options: { routes: RouteTable }) => {
    app.addHook('onRequest', async (request) => {
      if (request.method !== 'GET' || request.headers.authorization !== undefined) return;
      const query = request.url.indexOf('?');
      if (query === -1) return;
      const token = new URLSearchParams(request.url.slice(query + 1)).get('access_token');
      if (token === null || !JWT.test(token)) return;
      if (!options.routes.match(pathOf(request.url))?.entry.stream) return;
      request.headers.authorization = `Bearer ${token}`;
    });
  },
  { name: 'gateway-query-token' },
);
