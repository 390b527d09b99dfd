// Configuration: defaults, the embedded default, and the checks across variables.
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@scalegram/kit/config';
import { loadReindexConfig, loadSearchConfig, searchCollection } from '../src/config.ts';
import { searchFilter } from '../src/domain/search-filter.ts';

const JWKS_URL = 'http://auth:3001/.well-known/jwks.json';

describe('search configuration', () => {
  it('defaults to port 3008, the embedded index, the hashing embedder and the POSTS stream', () => {
    const config = loadSearchConfig({ JWKS_URL });
    expect(config.QDRANT_URL).toBeUndefined();
    expect(config.NATS_URL).toBeUndefined();
    expect(config).toMatchObject({
      PORT: 3008,
      EMBEDDER: 'hashing',
      EMBEDDER_DIMENSION: 384,
      SEARCH_MIN_SCORE: 0.1,
      POSTS_STREAM_NAME: 'POSTS',
      POSTS_SUBJECT_PREFIX: '',
      SEARCH_DURABLE: 'search-index',
      SERVICE_CLIENT_ID: 'search',
    });
    // The embedded index is private to its data directory; a Qdrant server may be shared by namespaces.
    expect(searchCollection(config)).toBe('posts');
    expect(searchCollection(loadSearchConfig({ JWKS_URL, QDRANT_URL: 'http://q:6333', NAMESPACE: 'b' }))).toBe(
      'b-posts',
    );
  });

  it('refuses EMBEDDER=http without EMBEDDER_URL, an unknown embedder and a bad collection name', () => {
    expect(() => loadSearchConfig({ JWKS_URL, EMBEDDER: 'http' })).toThrow(ConfigError);
    expect(() => loadSearchConfig({ JWKS_URL, EMBEDDER: 'word2vec' })).toThrow(ConfigError);
    expect(() => loadSearchConfig({ JWKS_URL, SEARCH_COLLECTION: 'posts/x' })).toThrow(ConfigError);
    expect(() => loadSearchConfig({})).toThrow('JWKS_URL is required but not set');
    expect(loadSearchConfig({ JWKS_URL, EMBEDDER: 'http', EMBEDDER_URL: 'http://tei:8080' }).EMBEDDER_PROTOCOL).toBe(
      'tei',
    );
  });

  it('the re-index also needs the post service, auth and its client secret', () => {
    expect(() => loadReindexConfig({ JWKS_URL })).toThrow(
      expect.objectContaining({
        problems: [
          'POST_SERVICE_URL is required by the re-index',
          'AUTH_URL is required by the re-index',
          'SERVICE_CLIENT_SECRET is required by the re-index',
        ],
      }),
    );
    const env = {
      JWKS_URL,
      POST_SERVICE_URL: 'http://post:3003',
      AUTH_URL: 'http://auth:3001',
      SERVICE_CLIENT_SECRET: 's',
    };
    expect(loadReindexConfig(env).REINDEX_PAGE_SIZE).toBe(100);
  });
});

describe('search filter', () => {
  it('matches the author and ranges the creation time (since inclusive, until exclusive)', () => {
    expect(searchFilter({})).toBeUndefined();
    expect(searchFilter({ authorId: '5', since: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00.000Z' })).toEqual({
      must: [
        { key: 'authorId', match: { value: '5' } },
        { key: 'createdAt', range: { gte: Date.UTC(2026, 0, 1), lt: Date.UTC(2026, 1, 1) } },
      ],
    });
    expect(searchFilter({ until: '2026-02-01T00:00:00Z' })).toEqual({
      must: [{ key: 'createdAt', range: { lt: Date.UTC(2026, 1, 1) } }],
    });
  });
});
