// POST /internal/service-tokens — the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for background
// workers and services acting on their own behalf. Never routed by the gateway (it forwards /api/v1/*).
//
//   Authorization: Basic base64(clientId:clientSecret)      (RFC 6749 §2.3.1)
//   grant_type=client_credentials&scope=posts:read           (form, as the RFC says; JSON also accepted)
//   → 200 {access_token, token_type: "Bearer", expires_in, scope}, Cache-Control: no-store
//
// Errors are problem+json that also carry RFC 6749 §5.2's `error` member, so a stock OAuth client
// understands them: 401 `invalid-client` (+ WWW-Authenticate: Basic), 400 `invalid-scope`,
// `unsupported-grant-type`, `invalid-request`.
import {
  CLIENT_CREDENTIALS_GRANT,
  isServiceScope,
  ServiceTokenRequest,
  ServiceTokenResponse,
} from '@scalegram/contracts/service-tokens';
import type { App } from '@scalegram/kit/app';
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { FastifyRequest } from 'fastify';
import {
  authenticateServiceClient,
  type ServiceClientEntry,
  type ServiceClientRegistry,
} from '../clients/service-client-registry.ts';
import type { TokenIssuer } from '../keys/token-issuer.ts';
import { ProblemRef } from './schemas.ts';

export interface ServiceTokenRouteOptions {
  clients: ServiceClientRegistry;
  tokens: TokenIssuer;
  ttlSeconds: number;
}

/** A token request body is two short fields; anything bigger is not one. */
const FORM_BODY_LIMIT = 1024;

const oauthProblem = (status: number, error: string, title: string, detail: string, headers = {}) =>
  new HttpProblem(status, error.replaceAll('_', '-'), title, { detail, extra: { error }, headers });

const invalidClient = () =>
  oauthProblem(401, 'invalid_client', 'Client authentication failed', 'Unknown client or wrong secret.', {
    'www-authenticate': 'Basic realm="scalegram-internal", charset="UTF-8"',
  });

const BASIC = /^Basic ([A-Za-z0-9+/]+={0,2})$/;

/** Client id and secret from `Authorization: Basic`, each form-urlencoded before base64 (RFC 6749 §2.3.1). */
function basicCredentials(request: FastifyRequest): { clientId: string; clientSecret: string } | undefined {
  const match = BASIC.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    const decode = (value: string) => decodeURIComponent(value.replaceAll('+', ' '));
    return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** RFC 6749 §3.1: parameters must not repeat; a form body is flat strings only. */
function parseForm(body: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(form, name)) {
      throw oauthProblem(400, 'invalid_request', 'Invalid token request', `Parameter "${name}" is repeated.`);
    }
    form[name] = value;
  }
  return form;
}

/** The scopes to grant: the requested subset of the client's, or all of them when none is requested. */
function grantedScopes(client: ServiceClientEntry, requested: string | undefined): string[] {
  if (requested === undefined) return [...client.scopes];
  const scopes = [...new Set(requested.split(' ').filter(Boolean))];
  const refused = scopes.filter((scope) => !isServiceScope(scope) || !client.scopes.includes(scope));
  if (scopes.length === 0 || refused.length > 0) {
    throw oauthProblem(
      400,
      'invalid_scope',
      'Invalid scope',
      scopes.length === 0 ? 'The scope is empty.' : `Not granted to this client: ${refused.join(', ')}.`,
    );
  }
  return scopes;
}

export async function serviceTokenRoute(app: App, options: ServiceTokenRouteOptions): Promise<void> {
  const { clients, tokens, ttlSeconds } = options;
  const authenticated = new WeakMap<FastifyRequest, ServiceClientEntry>();

  // Only this plugin's routes accept forms: the parser is encapsulated here, everything else stays JSON-only.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      try {
        done(null, parseForm(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  app.post(
    '/internal/service-tokens',
    {
      // The client is authenticated before the body is validated, so an unknown caller learns nothing more.
      preValidation: async (request) => {
        const credentials = basicCredentials(request);
        const client =
          credentials && authenticateServiceClient(clients, credentials.clientId, credentials.clientSecret);
        if (!client) throw invalidClient();
        authenticated.set(request, client);
      },
      schema: {
        summary: 'Client-credentials grant: a service token for a registered client (RFC 6749 §4.4)',
        tags: ['internal'],
        body: ServiceTokenRequest,
        response: { 200: ServiceTokenResponse, 400: ProblemRef, 401: ProblemRef, 413: ProblemRef, 415: ProblemRef },
      },
    },
    async (request, reply) => {
      const client = authenticated.get(request);
      if (!client) throw invalidClient();
      if (request.body.grant_type !== CLIENT_CREDENTIALS_GRANT) {
        throw oauthProblem(
          400,
          'unsupported_grant_type',
          'Unsupported grant type',
          `Only "${CLIENT_CREDENTIALS_GRANT}" is supported here.`,
        );
      }
      const scope = grantedScopes(client, request.body.scope).join(' ');
      const signed = await tokens.signClientToken({ clientId: client.id, scope, ttlSeconds });
      request.log.info({ clientId: client.id, scope }, 'service token issued');
      // RFC 6749 §5.1: token responses must not be cached.
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return { access_token: signed.accessToken, token_type: 'Bearer' as const, expires_in: signed.expiresIn, scope };
    },
  );
}
