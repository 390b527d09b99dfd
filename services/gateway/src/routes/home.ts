// GET /: what a person who opens the gateway in a browser sees. Until the web client exists, a small
// page that points at Swagger UI and the API; the web client replaces this one plugin (app.ts registers
// it in one line). No script, no external resource: its Content-Security-Policy allows only its own
// inline style, by hash, in place of the API's `default-src 'none'`.
import { createHash } from 'node:crypto';
import type { App } from '@scalegram/kit/app';
import Type from 'typebox';

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.75rem; margin-bottom: 0.25rem; }
code { background: #f2f2f4; padding: 0.1rem 0.3rem; border-radius: 4px; }
a { color: #0a58ca; }
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scalegram</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Scalegram</h1>
<p>An Instagram-style social network built as a microservices reference architecture. This address is its
API gateway; a web client will live here.</p>
<ul>
<li><a href="/docs">API documentation (Swagger UI)</a>: every operation, with “Try it out”.</li>
<li><a href="/docs/json">The OpenAPI document</a>, for generating a client.</li>
<li>The API itself is under <code>/api/v1</code>: sign in with <code>POST /api/v1/auth/login</code>, then send
<code>Authorization: Bearer &lt;accessToken&gt;</code>.</li>
</ul>
</main>
</body>
</html>
`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');
const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'`;

export async function homeRoutes(app: App): Promise<void> {
  app.get(
    '/',
    // Not an API operation: left out of the OpenAPI document, like /docs itself.
    { schema: { hide: true, response: { 200: Type.String() } } },
    async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('cache-control', 'public, max-age=300')
        .send(PAGE),
  );
}
