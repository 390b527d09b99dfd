// The media service's configuration, read once at boot from the environment.
import { namespacedBucket } from '@scalegram/contracts/namespace';
import { BaseConfig, ConfigError, loadConfig, NatsStreamReplicas } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';

const MB = 1024 * 1024;

export const MediaConfigSchema = Type.Object({
  ...BaseConfig,
  // Absent: the embedded adapters (PGlite, in-process bus, local file store), kept under DATA_DIR.
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_STREAM_REPLICAS: NatsStreamReplicas,
  /** Where embedded adapters keep their files; absent means in memory / a temporary directory. */
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** The auth service's key set, e.g. http://auth:3000/.well-known/jwks.json */
  JWKS_URL: Type.String({ minLength: 1 }),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'scalegram-auth' }),

  // Object storage. S3_ENDPOINT set → MinIO/S3 (e.g. http://minio:9000); unset → the local store.
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://[^/]+/?$' })),
  S3_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Default `<NAMESPACE>-media` (scalegram-media). */
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3 })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  /** Origin clients use for presigned URLs when it differs from S3_ENDPOINT (the host is signed). */
  S3_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),

  // The local store (no S3_ENDPOINT). Its routes are mounted by this service at /files.
  /** Where clients reach /files; default http://127.0.0.1:<PORT>/files. */
  FILES_PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** HMAC secret of the local store's URLs (≥ 32 characters). Unset: generated, see README. */
  FILES_SIGNING_SECRET: Type.Optional(Type.String({ minLength: 32 })),

  // Upload policy.
  MEDIA_MAX_IMAGE_BYTES: Type.Integer({ minimum: 1, default: 20 * MB }),
  MEDIA_MAX_VIDEO_BYTES: Type.Integer({ minimum: 1, default: 200 * MB }),
  /** Lifetime of a presigned upload URL. */
  MEDIA_UPLOAD_URL_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 604_800, default: 900 }),
  /** Lifetime of a presigned variant URL (when no public base URL is configured). */
  MEDIA_DOWNLOAD_URL_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 604_800, default: 3600 }),
  /** Public/CDN base serving the bucket's variants/ prefix; set → stable variant URLs. */
  MEDIA_PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
});

export type MediaConfig = Static<typeof MediaConfigSchema>;

/** The bucket of originals and variants: S3_BUCKET, or the namespace's own. */
export function mediaBucket(config: Pick<MediaConfig, 'S3_BUCKET' | 'NAMESPACE'>): string {
  return config.S3_BUCKET ?? namespacedBucket(config.NAMESPACE, 'media');
}

export const USER_AUDIENCE = 'scalegram';
export const SERVICE_AUDIENCE = 'scalegram-internal';

export function loadMediaConfig(env: NodeJS.ProcessEnv = process.env): MediaConfig {
  const config = loadConfig(MediaConfigSchema, env);
  // S3 needs its credentials; failing at boot beats failing on the first upload.
  if (config.S3_ENDPOINT !== undefined) {
    const missing = (['S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const).filter((name) => config[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(missing.map((name) => `${name} is required when S3_ENDPOINT is set`));
    }
  }
  return config;
}
