// The search service's configuration, read once at boot from the environment (the re-index command
// reads the same one; the variables only it needs are checked by loadReindexConfig).
import { namespacedBucket } from '@scalegram/contracts/namespace';
import { BaseConfig, ConfigError, loadConfig, NatsStreamReplicas } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';

export const SearchConfigSchema = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3008 }),
  /** e.g. http://qdrant:6333. Absent: the embedded vector index, kept under DATA_DIR. */
  QDRANT_URL: Type.Optional(Type.String({ minLength: 1 })),
  QDRANT_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Per request to Qdrant; slower answers fail with 503. */
  QDRANT_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 5_000 }),
  /** Absent: the in-process bus (kept under DATA_DIR). */
  NATS_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_STREAM_REPLICAS: NatsStreamReplicas,
  /** Where embedded adapters keep their files; absent means in memory (lost on exit). */
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** The auth service's key set, e.g. http://auth:3000/.well-known/jwks.json */
  JWKS_URL: Type.String({ minLength: 1 }),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'scalegram-auth' }),

  /** `hashing`: the built-in deterministic embedder (no model). `http`: an embedding server at EMBEDDER_URL. */
  EMBEDDER: Type.Enum(['hashing', 'http'], { default: 'hashing' }),
  /** Vector length: the hashing embedder's buckets, or the HTTP model's output size (checked on every answer). */
  EMBEDDER_DIMENSION: Type.Integer({ minimum: 2, maximum: 65_536, default: 384 }),
  /** The embedding server's base URL, e.g. http://tei:8080 (required with EMBEDDER=http). */
  EMBEDDER_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** `tei` (Hugging Face Text Embeddings Inference) or `openai` (OpenAI-compatible /v1/embeddings). */
  EMBEDDER_PROTOCOL: Type.Enum(['tei', 'openai'], { default: 'tei' }),
  /** Model name sent with the OpenAI protocol; also names the collection's embedder. */
  EMBEDDER_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  EMBEDDER_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  EMBEDDER_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 5_000 }),

  /**
   * Search hits scoring below this (cosine similarity) are left out: every post is *some* distance from a
   * query, and the far ones are noise. 0.1 suits the hashing embedder at 384 dimensions, whose collision
   * noise is about ±0.05 (1/√384); a real model scores unrelated texts higher, so raise it with EMBEDDER=http.
   */
  SEARCH_MIN_SCORE: Type.Number({ minimum: -1, maximum: 1, default: 0.1 }),
  /**
   * The alias searches and writes go through (ADR 0026). Default: `<NAMESPACE>-posts` on a (shared)
   * Qdrant server, `posts` in the embedded index, which is private to its data directory.
   */
  SEARCH_COLLECTION: Type.Optional(Type.String({ minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9_-]+$' })),
  /** The POSTS stream and the durable consumer; only tests change them (a unique name and prefix per run). */
  POSTS_STREAM_NAME: Type.String({ minLength: 1, default: 'POSTS' }),
  POSTS_SUBJECT_PREFIX: Type.String({ default: '' }),
  SEARCH_DURABLE: Type.String({ minLength: 1, default: 'search-index' }),

  // The re-index command's: where the posts come from, and the service identity it asks them with.
  /** e.g. http://post:3003 */
  POST_SERVICE_URL: Type.Optional(Type.String({ minLength: 1 })),
  POST_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 10_000 }),
  /** The auth service, which grants the `posts:read` service token (client credentials), e.g. http://auth:3001 */
  AUTH_URL: Type.Optional(Type.String({ minLength: 1 })),
  SERVICE_CLIENT_ID: Type.String({ minLength: 1, default: 'search' }),
  SERVICE_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  /** Posts per page read from the post service and embedded together. */
  REINDEX_PAGE_SIZE: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});

export type SearchConfig = Static<typeof SearchConfigSchema>;

export const USER_AUDIENCE = 'scalegram';

export function searchCollection(config: Pick<SearchConfig, 'SEARCH_COLLECTION' | 'QDRANT_URL' | 'NAMESPACE'>): string {
  if (config.SEARCH_COLLECTION !== undefined) return config.SEARCH_COLLECTION;
  return config.QDRANT_URL === undefined ? 'posts' : namespacedBucket(config.NAMESPACE, 'posts');
}

export function loadSearchConfig(env: NodeJS.ProcessEnv = process.env): SearchConfig {
  const config = loadConfig(SearchConfigSchema, env);
  if (config.EMBEDDER === 'http' && config.EMBEDDER_URL === undefined) {
    throw new ConfigError(['EMBEDDER_URL is required when EMBEDDER is http']);
  }
  return config;
}

export type ReindexConfig = SearchConfig & {
  POST_SERVICE_URL: string;
  AUTH_URL: string;
  SERVICE_CLIENT_SECRET: string;
};

/** The service's configuration plus what the re-index needs to read every post. */
export function loadReindexConfig(env: NodeJS.ProcessEnv = process.env): ReindexConfig {
  const config = loadSearchConfig(env);
  const problems = (['POST_SERVICE_URL', 'AUTH_URL', 'SERVICE_CLIENT_SECRET'] as const)
    .filter((name) => config[name] === undefined)
    .map((name) => `${name} is required by the re-index`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ReindexConfig;
}
