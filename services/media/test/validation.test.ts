// Bad input on every route: a 4xx problem+json, never a 5xx, and nothing written (no media row, no
// outbox row, no object).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type MediaHarness, startHarness } from './support/media-harness.ts';

let h: MediaHarness;
let headers: Record<string, string>;

beforeAll(async () => {
  h = await startHarness({ store: 'local' });
  headers = (await h.user()).headers;
}, 30_000);

afterAll(async () => {
  await h.close();
});

async function written() {
  const media = await h.db.database.db.selectFrom('media').select('id').execute();
  const outbox = await h.db.database.db.selectFrom('outbox').select('event_id').execute();
  const objects: string[] = [];
  for await (const object of h.store.list('')) objects.push(object.key);
  return { media: media.length, outbox: outbox.length, objects: objects.length };
}

const json = { 'content-type': 'application/json' };
const HUGE_ID = '9999999999999999999';

const cases: [string, { method: string; url: string; body?: string; headers?: Record<string, string> }, number][] = [
  ['no token', { method: 'POST', url: '/api/v1/media', body: '{"contentType":"image/jpeg","size":1}' }, 401],
  ['missing size', { method: 'POST', url: '/api/v1/media', body: '{"contentType":"image/jpeg"}' }, 400],
  ['size zero', { method: 'POST', url: '/api/v1/media', body: '{"contentType":"image/jpeg","size":0}' }, 400],
  ['size as string', { method: 'POST', url: '/api/v1/media', body: '{"contentType":"image/jpeg","size":"5"}' }, 400],
  ['fractional size', { method: 'POST', url: '/api/v1/media', body: '{"contentType":"image/jpeg","size":1.5}' }, 400],
  ['extra field', { method: 'POST', url: '/api/v1/media', body: '{"contentType":"image/jpeg","size":1,"x":1}' }, 400],
  ['empty type', { method: 'POST', url: '/api/v1/media', body: '{"contentType":"","size":1}' }, 400],
  [
    'type with parameters',
    { method: 'POST', url: '/api/v1/media', body: '{"contentType":"image/jpeg; q=1","size":1}' },
    415,
  ],
  ['heic', { method: 'POST', url: '/api/v1/media', body: '{"contentType":"image/heic","size":1}' }, 415],
  ['malformed JSON', { method: 'POST', url: '/api/v1/media', body: '{"contentType":' }, 400],
  [
    'not JSON',
    { method: 'POST', url: '/api/v1/media', body: '<size>1</size>', headers: { 'content-type': 'application/xml' } },
    415,
  ],
  [
    'body over the limit',
    { method: 'POST', url: '/api/v1/media', body: JSON.stringify({ contentType: 'x'.repeat(20_000), size: 1 }) },
    413,
  ],
  ['non-numeric id (complete)', { method: 'POST', url: '/api/v1/media/abc/complete' }, 400],
  ['id beyond 64 bits (complete)', { method: 'POST', url: `/api/v1/media/${HUGE_ID}/complete` }, 400],
  ['unknown id (complete)', { method: 'POST', url: '/api/v1/media/42/complete' }, 404],
  ['non-numeric id (get)', { method: 'GET', url: '/api/v1/media/-1' }, 400],
  ['unknown id (get)', { method: 'GET', url: '/api/v1/media/42' }, 404],
  ['id beyond 64 bits (delete)', { method: 'DELETE', url: `/api/v1/media/${HUGE_ID}` }, 400],
  ['unknown id (delete)', { method: 'DELETE', url: '/api/v1/media/42' }, 404],
  ['batch without ids', { method: 'POST', url: '/internal/media/batch', body: '{}' }, 400],
  ['batch with no ids', { method: 'POST', url: '/internal/media/batch', body: '{"ids":[]}' }, 400],
  ['batch with duplicates', { method: 'POST', url: '/internal/media/batch', body: '{"ids":["1","1"]}' }, 400],
  [
    'batch of 101',
    {
      method: 'POST',
      url: '/internal/media/batch',
      body: JSON.stringify({ ids: Array.from({ length: 101 }, (_, i) => String(i + 1)) }),
    },
    400,
  ],
  ['batch id beyond 64 bits', { method: 'POST', url: '/internal/media/batch', body: `{"ids":["${HUGE_ID}"]}` }, 400],
  [
    'unsigned file upload',
    { method: 'PUT', url: '/files/originals/1/2', body: 'x', headers: { 'content-type': 'image/jpeg' } },
    403,
  ],
  ['file key outside the key alphabet', { method: 'GET', url: '/files/originals/a~meta.json?expires=1&sig=x' }, 400],
];

describe('bad input', () => {
  it.each(cases)('%s: the expected 4xx problem+json, nothing written', async (_name, request, status) => {
    const before = await written();
    const auth = request.url.startsWith('/files') || _name === 'no token' ? {} : headers;
    const response = await fetch(`${h.baseUrl}${request.url}`, {
      method: request.method,
      headers: { ...auth, ...(request.body === undefined ? {} : json), ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { status: number; code: string };
    expect(problem.status).toBe(status);
    expect(typeof problem.code).toBe('string');
    expect(await written()).toEqual(before);
  });
});
