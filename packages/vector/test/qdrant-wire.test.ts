// What the Qdrant adapter puts on the wire, checked against Qdrant's documented REST API
// (https://api.qdrant.tech/). The server here is NOT Qdrant: it records each request and answers with
// a canned body of the documented shape. It proves the adapter's half of the conversation — paths,
// methods, wait=true on writes, UUID ids, filters, the recommend query — and how answers are mapped
// back (UUID → decimal id, reserved payload key removed). Qdrant's own behaviour is what the contract
// suite checks when QDRANT_URL points at a real server.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError } from '@scalegram/contracts/errors';
import Fastify, { type FastifyInstance } from 'fastify';
import { createQdrantIndex } from '../src/qdrant-index.ts';

interface Recorded {
  method: string;
  url: string;
  body: unknown;
  apiKey: string | undefined;
}

const BIG = '9223372036854775807';
const BIG_UUID = '00000000-0000-0000-7fff-ffffffffffff';

describe('Qdrant adapter on the wire', () => {
  let server: FastifyInstance;
  let url: string;
  const recorded: Recorded[] = [];
  const answers = new Map<string, unknown>();

  beforeAll(async () => {
    server = Fastify();
    server.all('/*', async (req) => {
      recorded.push({
        method: req.method,
        url: req.url,
        body: req.body,
        apiKey: req.headers['api-key'] as string | undefined,
      });
      const key = `${req.method} ${req.url.split('?')[0]}`;
      return { result: answers.has(key) ? answers.get(key) : true, status: 'ok', time: 0.0001 };
    });
    url = await server.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server.close();
  });

  function take(): Recorded[] {
    return recorded.splice(0);
  }

  it('creates a cosine collection when it does not exist, then its payload indexes', async () => {
    answers.set('GET /collections/posts/exists', { exists: false });
    const index = createQdrantIndex({ url, apiKey: 'k' });
    await index.ensureCollection('posts', {
      dimension: 384,
      distance: 'cosine',
      payloadIndexes: { authorId: 'keyword', createdAt: 'integer' },
    });
    expect(take()).toEqual([
      { method: 'GET', url: '/collections/posts/exists', body: undefined, apiKey: 'k' },
      { method: 'PUT', url: '/collections/posts', body: { vectors: { size: 384, distance: 'Cosine' } }, apiKey: 'k' },
      {
        method: 'PUT',
        url: '/collections/posts/index?wait=true',
        body: { field_name: 'authorId', field_schema: 'keyword' },
        apiKey: 'k',
      },
      {
        method: 'PUT',
        url: '/collections/posts/index?wait=true',
        body: { field_name: 'createdAt', field_schema: 'integer' },
        apiKey: 'k',
      },
    ]);
  });

  it('checks the dimension of an existing collection', async () => {
    answers.set('GET /collections/posts/exists', { exists: true });
    answers.set('GET /collections/posts', {
      status: 'green',
      optimizer_status: 'ok',
      segments_count: 1,
      config: { params: { vectors: { size: 384, distance: 'Cosine' } } },
      payload_schema: {},
    });
    const index = createQdrantIndex({ url });
    await index.ensureCollection('posts', { dimension: 384, distance: 'cosine' });
    await expect(index.ensureCollection('posts', { dimension: 768, distance: 'cosine' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(take().map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /collections/posts/exists',
      'GET /collections/posts',
      'GET /collections/posts/exists',
      'GET /collections/posts',
    ]);
  });

  it('upserts with wait=true, UUID ids and the original id in the payload', async () => {
    answers.set('PUT /collections/posts/points', { operation_id: 1, status: 'completed' });
    const index = createQdrantIndex({ url });
    await index.upsert('posts', [{ id: BIG, vector: new Float32Array([0.5, 0.25]), payload: { authorId: '42' } }]);
    const [request] = take();
    expect(request?.method).toBe('PUT');
    expect(request?.url).toBe('/collections/posts/points?wait=true');
    expect(request?.body).toEqual({
      points: [{ id: BIG_UUID, vector: [0.5, 0.25], payload: { authorId: '42', _scalegram_id: BIG } }],
    });
  });

  it('searches through the Query API and maps the answer back', async () => {
    answers.set('POST /collections/posts/points/query', {
      points: [{ id: BIG_UUID, version: 3, score: 0.9, payload: { authorId: '42', _scalegram_id: BIG } }],
    });
    const index = createQdrantIndex({ url });
    const hits = await index.search('posts', {
      vector: [1, 0],
      limit: 5,
      scoreThreshold: 0.2,
      filter: { must: [{ key: 'createdAt', range: { gte: 10 } }] },
    });
    expect(hits).toEqual([{ id: BIG, score: 0.9, payload: { authorId: '42' } }]);
    const [request] = take();
    expect(request?.url).toBe('/collections/posts/points/query');
    expect(request?.body).toEqual({
      query: [1, 0],
      filter: { must: [{ key: 'createdAt', range: { gte: 10 } }] },
      score_threshold: 0.2,
      limit: 5,
      with_payload: true,
    });
  });

  it('recommends with the average_vector strategy, after checking that the examples exist', async () => {
    answers.set('POST /collections/posts/points', [
      { id: BIG_UUID, payload: null },
      { id: '00000000-0000-0000-0000-000000000007', payload: null },
    ]);
    answers.set('POST /collections/posts/points/query', { points: [] });
    const index = createQdrantIndex({ url });
    await index.recommend('posts', {
      positive: [BIG],
      negative: ['7'],
      limit: 3,
      filter: { mustNot: [{ key: 'authorId', match: { value: '42' } }] },
    });
    const [lookup, query] = take();
    expect(lookup?.body).toEqual({
      ids: [BIG_UUID, '00000000-0000-0000-0000-000000000007'],
      with_payload: false,
      with_vector: false,
    });
    expect(query?.body).toEqual({
      query: {
        recommend: {
          positive: [BIG_UUID],
          negative: ['00000000-0000-0000-0000-000000000007'],
          strategy: 'average_vector',
        },
      },
      filter: {
        must_not: [
          { key: 'authorId', match: { value: '42' } },
          { has_id: [BIG_UUID, '00000000-0000-0000-0000-000000000007'] },
        ],
      },
      limit: 3,
      with_payload: true,
    });
  });

  it('counts exactly, deletes with wait=true and returns get results in the order asked', async () => {
    answers.set('POST /collections/posts/points/count', { count: 12 });
    answers.set('POST /collections/posts/points', [
      { id: '00000000-0000-0000-0000-000000000002', payload: { _scalegram_id: '2', n: 2 } },
      { id: '00000000-0000-0000-0000-000000000001', payload: { _scalegram_id: '1', n: 1 } },
    ]);
    const index = createQdrantIndex({ url });
    expect(await index.count('posts', { must: [{ key: 'authorId', match: { any: ['1', '2'] } }] })).toBe(12);
    await index.delete('posts', ['1']);
    expect(await index.get('posts', ['1', '3', '2'])).toEqual([
      { id: '1', payload: { n: 1 } },
      { id: '2', payload: { n: 2 } },
    ]);
    const [count, del] = take();
    expect(count?.body).toEqual({ filter: { must: [{ key: 'authorId', match: { any: ['1', '2'] } }] }, exact: true });
    expect(del?.url).toBe('/collections/posts/points/delete?wait=true');
    expect(del?.body).toEqual({ points: ['00000000-0000-0000-0000-000000000001'] });
  });

  it('switches an alias in one atomic request, after checking the collections', async () => {
    answers.set('GET /collections', { collections: [{ name: 'posts-1' }, { name: 'posts-2' }] });
    answers.set('GET /aliases', {
      aliases: [
        { alias_name: 'other', collection_name: 'x' },
        { alias_name: 'posts', collection_name: 'posts-2' },
      ],
    });
    const index = createQdrantIndex({ url });
    await index.setAlias('posts', 'posts-2');
    expect(await index.resolveAlias('posts')).toBe('posts-2');
    expect(await index.resolveAlias('nothing')).toBeUndefined();
    await index.deleteAlias('posts');
    const [list, update, aliases, , remove] = take();
    expect(list).toMatchObject({ method: 'GET', url: '/collections' });
    expect(update).toMatchObject({ method: 'POST', url: '/collections/aliases' });
    expect(update?.body).toEqual({
      actions: [
        { delete_alias: { alias_name: 'posts' } },
        { create_alias: { alias_name: 'posts', collection_name: 'posts-2' } },
      ],
    });
    expect(aliases).toMatchObject({ method: 'GET', url: '/aliases' });
    expect(remove?.body).toEqual({ actions: [{ delete_alias: { alias_name: 'posts' } }] });

    await expect(index.setAlias('posts', 'posts-3')).rejects.toBeInstanceOf(NotFoundError);
    await expect(index.setAlias('posts-1', 'posts-2')).rejects.toBeInstanceOf(ConflictError);
    expect(take().map((request) => request.url)).toEqual(['/collections', '/collections']); // nothing changed
  });
});
