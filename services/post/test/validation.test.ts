// Bad input on every endpoint: malformed JSON, wrong types, missing and extra fields, a 256-character
// text, a 7th media id, ids beyond 64 bits, oversized bodies. Each is a 4xx problem+json (never a 5xx)
// and nothing is written anywhere (row counts on every shard, outbox included).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './support/post-harness.ts';

let h: Harness;
let author: { id: string; headers: { authorization: string } };
let postId: string;
let commentId: string;

beforeAll(async () => {
  h = await startHarness({ shards: 3 });
  author = await h.user();
  postId = (await h.createPost(author.headers, { text: 'target' })).id;
  const comment = await h.app.inject({
    method: 'POST',
    url: `/api/v1/posts/${postId}/comments`,
    headers: author.headers,
    payload: { text: 'c' },
  });
  commentId = comment.json().id;
});

afterAll(async () => {
  await h.close();
});

type Method = 'POST' | 'PATCH' | 'GET' | 'PUT' | 'DELETE';
interface Case {
  name: string;
  method: Method;
  url: () => string;
  payload?: string;
  contentType?: string;
  status: number;
}

const TOO_BIG = '9223372036854775808'; // 2^63: matches the id pattern, does not fit in bigint
const FAMILY = '👩‍👩‍👧';
const json = (value: unknown) => JSON.stringify(value);
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const mediaIds = (n: number) => Array.from({ length: n }, (_, i) => String(1000 + i));

const bodyCases = (name: string, method: Method, url: () => string): Case[] => [
  { name: `${name}: malformed JSON`, method, url, payload: '{"text": "x",', status: 400 },
  { name: `${name}: empty body`, method, url, payload: '', status: 400 },
  { name: `${name}: JSON array`, method, url, payload: '[]', status: 400 },
  { name: `${name}: text is a number`, method, url, payload: json({ text: 5 }), status: 400 },
  { name: `${name}: text missing`, method, url, payload: json({}), status: 400 },
  { name: `${name}: extra field`, method, url, payload: json({ text: 'x', authorId: '1' }), status: 400 },
  { name: `${name}: 256 characters`, method, url, payload: json({ text: 'a'.repeat(256) }), status: 400 },
  { name: `${name}: 256 emoji characters`, method, url, payload: json({ text: '😀'.repeat(256) }), status: 400 },
  {
    name: `${name}: family emoji over the byte cap`,
    method,
    url,
    payload: json({ text: FAMILY.repeat(200) }),
    status: 400,
  },
  { name: `${name}: whitespace only`, method, url, payload: json({ text: ' \u3000\n' }), status: 400 },
  // The text rules (ADR 0042): Postgres cannot store U+0000, the outbox's jsonb refuses a lone surrogate.
  { name: `${name}: U+0000`, method, url, payload: json({ text: 'a\u0000b' }), status: 400 },
  { name: `${name}: a lone surrogate`, method, url, payload: json({ text: 'a\ud800b' }), status: 400 },
  { name: `${name}: an escape sequence`, method, url, payload: json({ text: '\u001b[2Jx' }), status: 400 },
  { name: `${name}: a C1 control`, method, url, payload: json({ text: 'a\u0085b' }), status: 400 },
  { name: `${name}: a right-to-left override`, method, url, payload: json({ text: 'gpj.\u202eexe' }), status: 400 },
  { name: `${name}: a bidi isolate`, method, url, payload: json({ text: '\u2067x\u2069' }), status: 400 },
  { name: `${name}: oversized body`, method, url, payload: json({ text: 'x'.repeat(64 * 1024) }), status: 413 },
  {
    name: `${name}: form-encoded`,
    method,
    url,
    payload: 'text=x',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
  },
];

const cases = (): Case[] => [
  ...bodyCases('create', 'POST', () => '/api/v1/posts'),
  {
    name: 'create: 7 media ids',
    method: 'POST',
    url: () => '/api/v1/posts',
    payload: json({ text: 'x', mediaIds: mediaIds(7) }),
    status: 400,
  },
  {
    name: 'create: duplicate media ids',
    method: 'POST',
    url: () => '/api/v1/posts',
    payload: json({ text: 'x', mediaIds: ['5', '5'] }),
    status: 400,
  },
  {
    name: 'create: media id not a string',
    method: 'POST',
    url: () => '/api/v1/posts',
    payload: json({ text: 'x', mediaIds: [5] }),
    status: 400,
  },
  {
    name: 'create: media id beyond 64 bits',
    method: 'POST',
    url: () => '/api/v1/posts',
    payload: json({ text: 'x', mediaIds: [TOO_BIG] }),
    status: 400,
  },
  {
    name: 'create: mediaIds null',
    method: 'POST',
    url: () => '/api/v1/posts',
    payload: json({ text: 'x', mediaIds: null }),
    status: 400,
  },
  ...bodyCases('edit', 'PATCH', () => `/api/v1/posts/${postId}`),
  ...bodyCases('comment', 'POST', () => `/api/v1/posts/${postId}/comments`),
  { name: 'read: id not numeric', method: 'GET', url: () => '/api/v1/posts/abc', status: 400 },
  { name: 'read: id beyond 64 bits', method: 'GET', url: () => `/api/v1/posts/${TOO_BIG}`, status: 400 },
  {
    name: 'edit: id beyond 64 bits',
    method: 'PATCH',
    url: () => `/api/v1/posts/${TOO_BIG}`,
    payload: json({ text: 'x' }),
    status: 400,
  },
  { name: 'delete: id with leading zero', method: 'DELETE', url: () => `/api/v1/posts/0${postId}`, status: 400 },
  { name: 'like: id beyond 64 bits', method: 'PUT', url: () => `/api/v1/posts/${TOO_BIG}/like`, status: 400 },
  { name: 'unlike: id not numeric', method: 'DELETE', url: () => '/api/v1/posts/x/like', status: 400 },
  { name: 'comments: limit 0', method: 'GET', url: () => `/api/v1/posts/${postId}/comments?limit=0`, status: 400 },
  { name: 'comments: limit 101', method: 'GET', url: () => `/api/v1/posts/${postId}/comments?limit=101`, status: 400 },
  {
    name: 'comments: cursor with an id beyond 64 bits',
    method: 'GET',
    url: () => `/api/v1/posts/${postId}/comments?cursor=${cursorOf({ before: '9999999999999999999' })}`,
    status: 400,
  },
  {
    name: 'timeline: cursor with an id beyond 64 bits',
    method: 'GET',
    url: () => `/api/v1/users/${author.id}/posts?cursor=${cursorOf({ before: '9999999999999999999' })}`,
    status: 400,
  },
  {
    name: 'comments: forged cursor',
    method: 'GET',
    url: () => `/api/v1/posts/${postId}/comments?cursor=eyJiZWZvcmUiOiJ4In0`,
    status: 400,
  },
  {
    name: 'delete comment: bad comment id',
    method: 'DELETE',
    url: () => `/api/v1/posts/${postId}/comments/${TOO_BIG}`,
    status: 400,
  },
  {
    name: 'timeline: unknown query field',
    method: 'GET',
    url: () => `/api/v1/users/${author.id}/posts?sort=asc`,
    status: 400,
  },
  { name: 'timeline: limit 1.5', method: 'GET', url: () => `/api/v1/users/${author.id}/posts?limit=1.5`, status: 400 },
  {
    name: 'batch: empty ids',
    method: 'POST',
    url: () => '/internal/posts/batch',
    payload: json({ ids: [] }),
    status: 400,
  },
  {
    name: 'batch: 101 ids',
    method: 'POST',
    url: () => '/internal/posts/batch',
    payload: json({ ids: mediaIds(101) }),
    status: 400,
  },
  { name: 'batch: malformed JSON', method: 'POST', url: () => '/internal/posts/batch', payload: '{', status: 400 },
  {
    name: 'batch: id beyond 64 bits',
    method: 'POST',
    url: () => '/internal/posts/batch',
    payload: json({ ids: [TOO_BIG] }),
    status: 400,
  },
];

async function snapshot() {
  const tables = ['posts', 'likes', 'comments', 'idempotency_keys', 'outbox'] as const;
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await h.count(t)])));
}

describe('bad input', () => {
  it('every case is a 4xx problem+json and nothing is written', async () => {
    const before = await snapshot();
    const calls = h.media.calls;
    const failures: string[] = [];
    for (const c of cases()) {
      const response = await h.app.inject({
        method: c.method,
        url: c.url(),
        headers: {
          ...author.headers,
          ...(c.payload === undefined ? {} : { 'content-type': c.contentType ?? 'application/json' }),
        },
        ...(c.payload === undefined ? {} : { payload: c.payload }),
      });
      const problem = response.headers['content-type']?.toString().startsWith('application/problem+json');
      if (response.statusCode !== c.status || !problem)
        failures.push(`${c.name}: ${response.statusCode} ${response.body}`);
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(h.media.calls).toBe(calls);
    const unchanged = await h.app.inject({ method: 'GET', url: `/api/v1/posts/${postId}`, headers: author.headers });
    expect(unchanged.json()).toMatchObject({ text: 'target', commentCount: 1 });
    expect(commentId).toMatch(/^\d+$/);
  });

  it('the limits are exact: 255 emoji characters and 6 media ids are accepted', async () => {
    const ids = Array.from({ length: 6 }, () => h.media.add(author.id).id);
    const text = '😀'.repeat(255); // 510 UTF-16 units, 1,020 bytes: within every limit
    const post = await h.createPost(author.headers, { text, mediaIds: ids });
    expect(post).toMatchObject({ text, mediaIds: ids });
  });

  it('multi-line text, right-to-left text with marks and emoji sequences are stored as sent', async () => {
    const text = 'line one\n\tline two\r\nمرحبا \u200fبالعالم 👩‍👩‍👧';
    const post = await h.createPost(author.headers, { text });
    expect(post).toMatchObject({ text });
    const comment = await h.app.inject({
      method: 'POST',
      url: `/api/v1/posts/${post.id}/comments`,
      headers: author.headers,
      payload: { text },
    });
    expect([comment.statusCode, comment.json().text]).toEqual([201, text]);
  });
});
