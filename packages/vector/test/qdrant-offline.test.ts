// What of the Qdrant adapter can be checked without a Qdrant server: the translation of filters, the
// mapping of the client's errors, and behaviour when nothing listens at the URL. The full behaviour is
// checked by the contract suite (qdrant-index.test.ts) when QDRANT_URL points at a server.
import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { QdrantClientTimeoutError } from '@qdrant/js-client-rest';
import { ConflictError, NotFoundError, UnavailableError } from '@scalegram/contracts/errors';
import { toPortError } from '../src/qdrant/qdrant-errors.ts';
import { toQdrantFilter } from '../src/qdrant/qdrant-filter.ts';
import { createQdrantIndex } from '../src/qdrant-index.ts';

/** A port that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Qdrant adapter without a server', () => {
  it('translates the port filter to Qdrant filter JSON', () => {
    const filter = toQdrantFilter({
      must: [
        { key: 'authorId', match: { value: '100' } },
        { key: 'createdAt', range: { gte: 10, lt: 20 } },
      ],
      mustNot: [{ key: 'lang', match: { any: ['fr', 'de'] } }],
    });
    expect(JSON.parse(JSON.stringify(filter))).toEqual({
      must: [
        { key: 'authorId', match: { value: '100' } },
        { key: 'createdAt', range: { gte: 10, lt: 20 } },
      ],
      must_not: [{ key: 'lang', match: { any: ['fr', 'de'] } }],
    });
    expect(toQdrantFilter(undefined)).toBeUndefined();
    expect(toQdrantFilter({})).toEqual({});
  });

  it('maps HTTP failures and client errors onto the port errors', () => {
    const http = (status: number) => ({ status, data: { status: { error: `boom ${status}` } } });
    expect(toPortError(http(404), 'x')).toBeInstanceOf(NotFoundError);
    expect((toPortError(http(404), 'search c') as Error).message).toBe('search c: boom 404');
    expect(toPortError(http(409), 'x')).toBeInstanceOf(ConflictError);
    expect(toPortError(http(400), 'x')).toBeInstanceOf(RangeError);
    expect(toPortError(http(503), 'x')).toBeInstanceOf(UnavailableError);
    expect(toPortError(http(429), 'x')).toBeInstanceOf(UnavailableError);
    expect(toPortError(new QdrantClientTimeoutError('slow'), 'x')).toBeInstanceOf(UnavailableError);
    expect(toPortError(new TypeError('fetch failed'), 'x')).toBeInstanceOf(UnavailableError);
    const other = new Error('other');
    expect(toPortError(other, 'x')).toBe(other);
  });

  it('answers UnavailableError when nothing listens at the URL', async () => {
    const index = createQdrantIndex({ url: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 2_000 });
    await expect(index.count('posts')).rejects.toBeInstanceOf(UnavailableError);
    await expect(index.ensureCollection('posts', { dimension: 4, distance: 'cosine' })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    await index.close();
  });

  it('checks arguments before sending anything', async () => {
    const index = createQdrantIndex({ url: `http://127.0.0.1:${await closedPort()}` });
    await expect(index.upsert('posts', [{ id: '12.5', vector: [1], payload: {} }])).rejects.toBeInstanceOf(RangeError);
    await expect(index.search('bad name!', { vector: [1], limit: 1 })).rejects.toBeInstanceOf(RangeError);
    await expect(
      index.upsert('posts', [{ id: '1', vector: [1], payload: { _scalegram_id: 'x' } }]),
    ).rejects.toBeInstanceOf(RangeError);
    await index.close();
  });
});
