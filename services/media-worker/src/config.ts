// The media worker's configuration, read once at boot from the environment.
import { namespacedBucket } from '@scalegram/contracts/namespace';
import { BaseConfig, ConfigError, loadConfig, NatsStreamReplicas } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';

export const MediaWorkerConfigSchema = Type.Object({
  ...BaseConfig,
  // The HTTP port only serves /healthz, /readyz and /metrics.
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3010 }),
  /** Absent: the in-process bus, which only sees jobs published in this same process (embedded runner). */
  NATS_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_STREAM_REPLICAS: NatsStreamReplicas,
  /** Where embedded adapters keep their files; the local store defaults to DATA_DIR/media-files. */
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),

  // Object storage, as the media service configures it: S3_ENDPOINT set → MinIO/S3, else the local store.
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://[^/]+/?$' })),
  S3_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Default `<NAMESPACE>-media` (scalegram-media). */
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3 })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  /** The media service's local store directory (same host); default DATA_DIR/media-files. */
  FILES_DIRECTORY: Type.Optional(Type.String({ minLength: 1 })),

  // Processing.
  /** Largest source image (width × height); more is refused as `image-too-large`. */
  MEDIA_MAX_INPUT_PIXELS: Type.Integer({ minimum: 1, default: 50_000_000 }),
  /** Jobs processed at once by this replica; sharp already uses every core for one image. */
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  JOB_ACK_WAIT_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
  JOB_MAX_DELIVER: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** Delays before each redelivery of a failed job, comma-separated; the last repeats. */
  JOB_BACKOFF_MS: Type.String({ pattern: '^\\d+(,\\d+)*$', default: '1000,5000,30000,120000' }),
  FFMPEG_PATH: Type.String({ minLength: 1, default: 'ffmpeg' }),
  FFPROBE_PATH: Type.String({ minLength: 1, default: 'ffprobe' }),
  VIDEO_TOOL_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 120_000 }),
  /** Where videos are copied for ffmpeg; default the OS temporary directory (an emptyDir in Kubernetes). */
  TEMP_DIRECTORY: Type.Optional(Type.String({ minLength: 1 })),

  // Stream names and a subject prefix: production uses MEDIA_JOBS / MEDIA and no prefix; tests that
  // share one NATS server give every run its own.
  MEDIA_JOBS_STREAM_NAME: Type.String({ minLength: 1, default: 'MEDIA_JOBS' }),
  MEDIA_STREAM_NAME: Type.String({ minLength: 1, default: 'MEDIA' }),
  MEDIA_SUBJECT_PREFIX: Type.String({ default: '' }),
});

export type MediaWorkerConfig = Static<typeof MediaWorkerConfigSchema>;

/** The bucket of originals and variants: S3_BUCKET, or the namespace's own. */
export function mediaBucket(config: Pick<MediaWorkerConfig, 'S3_BUCKET' | 'NAMESPACE'>): string {
  return config.S3_BUCKET ?? namespacedBucket(config.NAMESPACE, 'media');
}

export function loadMediaWorkerConfig(env: NodeJS.ProcessEnv = process.env): MediaWorkerConfig {
  const config = loadConfig(MediaWorkerConfigSchema, env);
  const problems: string[] = [];
  if (config.S3_ENDPOINT !== undefined) {
    for (const name of ['S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const) {
      if (config[name] === undefined) problems.push(`${name} is required when S3_ENDPOINT is set`);
    }
  } else if (config.FILES_DIRECTORY === undefined && config.DATA_DIR === undefined) {
    // A private temporary directory would never contain the media service's uploads.
    problems.push('FILES_DIRECTORY (or DATA_DIR) is required when S3_ENDPOINT is not set');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export function backoffSchedule(config: Pick<MediaWorkerConfig, 'JOB_BACKOFF_MS'>): number[] {
  return config.JOB_BACKOFF_MS.split(',').map(Number);
}
