// GET /.well-known/jwks.json — the public halves of the active key and of retired keys whose tokens
// may still be valid. Verifiers cache it and refetch on an unknown `kid`.

import type { App } from '@scalegram/kit/app';
import { NO_AUTH } from '@scalegram/kit/openapi-responses';
import Type from 'typebox';
import type { KeyRing } from '../keys/key-ring.ts';

const PublicJwk = Type.Object({
  kty: Type.String(),
  crv: Type.String(),
  x: Type.String(),
  kid: Type.String(),
  alg: Type.String(),
  use: Type.String(),
});

export async function jwksRoute(app: App, options: { keyRing: KeyRing }) {
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        summary: 'Public keys that verify access tokens (JWK set)',
        operationId: 'getJsonWebKeySet',
        description:
          'The public halves of the signing key in use and of retired keys whose tokens may still be valid. Verifiers cache the set (Cache-Control: max-age=300) and refetch it on an unknown `kid`.',
        security: NO_AUTH,
        tags: ['auth'],
        response: { 200: Type.Object({ keys: Type.Array(PublicJwk) }) },
      },
    },
    async (_request, reply) => {
      // Short enough that a retired key disappears soon after its window; verifiers refetch on a new kid anyway.
      reply.header('cache-control', 'public, max-age=300');
      return options.keyRing.publicJwks();
    },
  );
}
