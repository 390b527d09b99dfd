// What the published OpenAPI document (the gateway's /docs/json) must say, checked against a running
// system: both linters find nothing; every operation has an operationId, a description and its
// security; errors are problem+json; every operation declares the edge's answers (429 with Retry-After,
// 502/503/504) and the RateLimit fields. And "Try it out" after "Authorize" works: the request Swagger
// UI builds for a protected operation from the document's security (an `http`/`bearer` scheme becomes
// `Authorization: Bearer <token>`) succeeds, and the same request without it is refused.
import { expect } from '@jest/globals';
import { JourneyClient } from './journey-client.ts';
import { redoclyFindings, spectralFindings } from './openapi-lint.ts';

type Json = Record<string, unknown>;

/** The operations anyone may call; every other one needs an access token. */
const ANONYMOUS = ['getJsonWebKeySet', 'login', 'logout', 'refreshSession', 'register'];

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function operationsOf(document: Json): { path: string; method: string; operation: Json }[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method] as Json })),
  );
}

/** The header Swagger UI sends for an authorized security requirement of this document. */
function authorizationFor(document: Json, operation: Json, token: string): Record<string, string> {
  const schemes = (document.components as { securitySchemes: Record<string, Json> }).securitySchemes;
  for (const requirement of (operation.security as Json[] | undefined) ?? []) {
    for (const name of Object.keys(requirement)) {
      const scheme = schemes[name];
      if (scheme?.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') {
        return { authorization: `Bearer ${token}` };
      }
    }
  }
  return {};
}

export async function checkPublishedContract(gatewayUrl: string): Promise<void> {
  const response = await fetch(new URL('/docs/json', gatewayUrl));
  expect(response.status).toBe(200);
  const document = (await response.json()) as Json;
  expect((document.info as Json).description).not.toContain('Not included');

  expect(await redoclyFindings(document)).toEqual([]);
  expect(await spectralFindings(document)).toEqual([]);

  const operations = operationsOf(document);
  expect(operations.length).toBeGreaterThanOrEqual(35);
  expect(operations.some(({ path }) => path.startsWith('/internal'))).toBe(false);
  const ids = operations.map(({ operation }) => operation.operationId);
  expect(new Set(ids).size).toBe(operations.length);
  for (const { path, method, operation } of operations) {
    const where = `${method.toUpperCase()} ${path}`;
    expect([where, typeof operation.operationId, typeof operation.description]).toEqual([where, 'string', 'string']);
    const anonymous = ANONYMOUS.includes(operation.operationId as string);
    expect([where, operation.security]).toEqual([where, anonymous ? [] : expect.arrayContaining([{ bearer: [] }])]);
    const responses = operation.responses as Record<string, Json>;
    const statuses = Object.keys(responses);
    expect([where, statuses]).toEqual([where, expect.arrayContaining(['429', '500', '502', '503', '504'])]);
    if (!anonymous) expect([where, statuses]).toEqual([where, expect.arrayContaining(['401'])]);
    expect([where, Object.keys(responses['429']?.headers as Json)]).toEqual([
      where,
      expect.arrayContaining(['Retry-After', 'RateLimit', 'RateLimit-Policy']),
    ]);
    // What was created is named in Location; a replayed create says so (the journeys check both live).
    if (responses['201']) {
      const created = Object.keys(responses['201'].headers as Json);
      expect([where, created]).toEqual([where, expect.arrayContaining(['Location'])]);
      if (operation.operationId === 'createPost') {
        expect([where, created]).toEqual([where, expect.arrayContaining(['Idempotent-Replayed'])]);
      }
    }
    for (const [status, answer] of Object.entries(responses)) {
      if (Number(status) < 400) continue;
      expect([where, status, Object.keys(answer.content as Json)]).toEqual([
        where,
        status,
        ['application/problem+json'],
      ]);
    }
  }

  // Authorize, then Try it out: the header comes from the document's security, nothing else.
  const client = new JourneyClient(gatewayUrl);
  const session = await client.register(`docs_${Date.now().toString(36)}`, 'contract-check-password');
  const me = operations.find(({ operation }) => operation.operationId === 'getMyProfile');
  expect(me).toBeDefined();
  const authorized = authorizationFor(document, me?.operation as Json, session.accessToken);
  expect(authorized).toEqual({ authorization: `Bearer ${session.accessToken}` });
  const withToken = await client.call('GET', '/api/v1/users/me', { headers: authorized });
  expect([withToken.status, withToken.body.id]).toEqual([200, session.userId]);
  expect((await client.call('GET', '/api/v1/users/me')).status).toBe(401);
  // Every protected operation gets the header the same way.
  for (const { operation } of operations) {
    if (ANONYMOUS.includes(operation.operationId as string)) continue;
    expect(authorizationFor(document, operation, 'token')).toEqual({ authorization: 'Bearer token' });
  }
}
