// An upstream's 4xx answer, passed to the client unchanged. The kit's service client raises
// UpstreamResponseError with the status and the parsed body but without the response headers, so the
// headers a 4xx problem depends on are rebuilt from the problem itself (see README, "Known limits"):
//   401 → WWW-Authenticate, from the kit's problem codes (`invalid-token` vs `unauthenticated`);
//   405 → Allow, from the `allowedMethods` extension member of the kit's `method-not-allowed`;
//   429 → Retry-After, from the `retryAfterSeconds` extension member the kit's HttpProblem examples use.
import { PROBLEM_CONTENT_TYPE } from '@scalegram/contracts/problem';

export interface PassThrough {
  contentType: string;
  headers: Record<string, string>;
  /** The body to send: the upstream's JSON re-serialised, or its text. */
  payload: string;
}

function isProblem(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && typeof (body as { type?: unknown }).type === 'string';
}

export function upstreamProblemResponse(status: number, body: unknown): PassThrough {
  if (typeof body === 'string' || body === undefined) {
    return { contentType: 'text/plain; charset=utf-8', headers: {}, payload: body ?? '' };
  }
  const headers: Record<string, string> = {};
  if (isProblem(body)) {
    if (status === 401) {
      headers['www-authenticate'] = body.code === 'invalid-token' ? 'Bearer error="invalid_token"' : 'Bearer';
    }
    const allowed = body.allowedMethods;
    if (status === 405 && Array.isArray(allowed) && allowed.every((method) => /^[A-Z-]{1,20}$/.test(String(method)))) {
      headers.allow = allowed.join(', ');
    }
    const retryAfter = body.retryAfterSeconds;
    if (status === 429 && Number.isInteger(retryAfter) && (retryAfter as number) >= 0) {
      headers['retry-after'] = String(retryAfter);
    }
  }
  return {
    contentType: isProblem(body) ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8',
    headers,
    payload: JSON.stringify(body),
  };
}
