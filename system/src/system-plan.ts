// What runs, on which port, and with which environment — for both local modes. Pure data: the
// embedded runner turns each environment into a service config in this process, the local supervisor
// passes it to a child process. Every service still reads its own config schema, so a wrong or missing
// variable fails exactly as it would in Kubernetes.

import { createHash } from 'node:crypto';

export const DEPLOYABLES = [
  'auth',
  'user',
  'post',
  'media',
  'media-worker',
  'feed',
  'feed-worker',
  'search',
  'notification',
  'gateway',
] as const;
export type Deployable = (typeof DEPLOYABLES)[number];

/** The documented ports (docs/development.md); the gateway is the only one a user needs. */
export const DEFAULT_PORTS: Readonly<Record<Deployable, number>> = {
  auth: 3001,
  user: 3002,
  post: 3003,
  media: 3004,
  'media-worker': 3005,
  feed: 3006,
  'feed-worker': 3007,
  search: 3008,
  notification: 3009,
  gateway: 8080,
};

/** Real servers on localhost (local-infrastructure mode). */
export interface LocalInfrastructure {
  /** One PostgreSQL database URL per owning service; the post service gets several (its shards). */
  databases: { auth: string; user: string; media: string; notification: string; post: readonly string[] };
  redisUrl: string;
  natsUrl: string;
  /** MinIO/S3 when set; otherwise the media service's local store under the data directory. */
  s3?: { endpoint: string; accessKey: string; secretKey: string; bucket?: string };
  qdrantUrl?: string;
}

/** Configuration variables given on the command line (`--set feed.FEED_CELEBRITY_THRESHOLD=50`), by service. */
export type Settings = Partial<Record<Deployable, Record<string, string>>>;

export interface SystemPlan {
  /** Every name the services create on shared servers is under it (NAMESPACE, ADR 0040). */
  namespace: string;
  /** Where embedded stores, the key ring and the local file store live. */
  dataDir: string;
  host: string;
  ports: Readonly<Record<Deployable, number>>;
  logLevel: string;
  /** The gateway's per-user rate limit (off for load tests). */
  rateLimit: boolean;
  /**
   * Service-client secrets for the client-credentials grant (docs/adr/0027), generated per data
   * directory: auth registers their digests, each client gets its secret.
   */
  serviceClients?: Readonly<Record<string, string>>;
  /** Absent: every store embedded. */
  infrastructure?: LocalInfrastructure;
  /** Variables set on the command line; they win over what the plan sets. */
  settings?: Settings;
}

/** Which scopes each generated service client gets (the least each one needs). */
export const SERVICE_CLIENT_SCOPES: Readonly<Record<string, readonly string[]>> = {
  search: ['posts:read'],
  // The demo seeder (seed-process.ts): registrations and follows in bulk (ADR 0041).
  seed: ['registrations:write', 'follows:write'],
};

/** auth's SERVICE_CLIENTS: the SHA-256 of each secret, never the secret itself. */
export function serviceClientsVariable(secrets: Readonly<Record<string, string>>): string {
  const clients: Record<string, { secretSha256: string; scopes: readonly string[] }> = {};
  for (const [id, secret] of Object.entries(secrets)) {
    clients[id] = {
      secretSha256: createHash('sha256').update(secret).digest('hex'),
      scopes: SERVICE_CLIENT_SCOPES[id] ?? [],
    };
  }
  return JSON.stringify(clients);
}

/** Where a deployable of the plan answers, from this machine. */
export const urlOf = (plan: SystemPlan, deployable: Deployable) => `http://127.0.0.1:${plan.ports[deployable]}`;

/**
 * The variables set on the command line for one deployable. The feed's API and its worker are one
 * package with one configuration: `feed.X` sets both, `feed-worker.X` the worker alone.
 */
export function settingsFor(deployable: Deployable, settings: Settings = {}): Record<string, string> {
  return {
    ...(deployable === 'feed-worker' ? settings.feed : {}),
    ...settings[deployable],
  };
}

/**
 * The environment of one deployable. Only variables its config schema knows are set; unset ones take
 * the schema's defaults. Variables given with --set come last and win.
 */
export function environmentFor(deployable: Deployable, plan: SystemPlan): Record<string, string> {
  return { ...plannedEnvironment(deployable, plan), ...settingsFor(deployable, plan.settings) };
}

function plannedEnvironment(deployable: Deployable, plan: SystemPlan): Record<string, string> {
  const infra = plan.infrastructure;
  const common: Record<string, string> = {
    NAMESPACE: plan.namespace,
    PORT: String(plan.ports[deployable]),
    HOST: plan.host,
    LOG_LEVEL: plan.logLevel,
    DATA_DIR: plan.dataDir,
    // A laptop is not a pod: Ctrl-C should not wait 25 s for anything.
    SHUTDOWN_TIMEOUT_MS: '10000',
  };
  const jwks = { JWKS_URL: `${urlOf(plan, 'auth')}/.well-known/jwks.json` };
  const nats: Record<string, string> = infra ? { NATS_URL: infra.natsUrl } : {};
  const s3: Record<string, string> = infra?.s3
    ? {
        S3_ENDPOINT: infra.s3.endpoint,
        S3_ACCESS_KEY: infra.s3.accessKey,
        S3_SECRET_KEY: infra.s3.secretKey,
        ...(infra.s3.bucket ? { S3_BUCKET: infra.s3.bucket } : {}),
      }
    : {};

  switch (deployable) {
    case 'auth':
      return {
        ...common,
        ...(infra ? { DATABASE_URL: infra.databases.auth, REDIS_URL: infra.redisUrl } : {}),
        USER_SERVICE_URL: urlOf(plan, 'user'),
        // Generated on first start and kept in the data directory, so tokens survive a restart.
        AUTH_KEYS_FILE: `${plan.dataDir}/auth-keys.json`,
        // Every demo and load-test client comes from 127.0.0.1: per-address throttles would stop seeding
        // after ten registrations. Per-username login throttling stays on.
        REGISTER_ADDRESS_LIMIT: '1000000',
        LOGIN_ADDRESS_LIMIT: '1000000',
        // Every service shares the laptop's cores (and, embedded, one PGlite): a registration's call to
        // the user service can wait behind seeding's batches far longer than a pod's 2 s.
        USER_SERVICE_TIMEOUT_MS: '15000',
        ...(plan.serviceClients ? { SERVICE_CLIENTS: serviceClientsVariable(plan.serviceClients) } : {}),
      };
    case 'user':
      return {
        ...common,
        ...jwks,
        ...nats,
        ...(infra ? { DATABASE_URL: infra.databases.user, REDIS_URL: infra.redisUrl } : {}),
        // A new avatar is checked with the media service (yours, ready, an image).
        MEDIA_SERVICE_URL: urlOf(plan, 'media'),
      };
    case 'post':
      return {
        ...common,
        ...jwks,
        ...nats,
        ...(infra ? { POST_DATABASE_URLS: infra.databases.post.join(',') } : {}),
        MEDIA_SERVICE_URL: urlOf(plan, 'media'),
      };
    case 'media':
      return { ...common, ...jwks, ...nats, ...s3, ...(infra ? { DATABASE_URL: infra.databases.media } : {}) };
    case 'media-worker':
      return { ...common, ...nats, ...s3 };
    case 'feed':
    case 'feed-worker':
      return {
        ...common,
        ...jwks,
        ...nats,
        ...(infra ? { REDIS_URL: infra.redisUrl } : {}),
        USER_SERVICE_URL: urlOf(plan, 'user'),
        POST_SERVICE_URL: urlOf(plan, 'post'),
      };
    case 'search':
      return {
        ...common,
        ...jwks,
        ...nats,
        ...(infra?.qdrantUrl ? { QDRANT_URL: infra.qdrantUrl } : {}),
        POST_SERVICE_URL: urlOf(plan, 'post'),
        // The re-index command's identity (`pnpm --filter @scalegram/search-service reindex`).
        ...(plan.serviceClients?.search
          ? { AUTH_URL: urlOf(plan, 'auth'), SERVICE_CLIENT_SECRET: plan.serviceClients.search }
          : {}),
      };
    case 'notification':
      return { ...common, ...jwks, ...nats, ...(infra ? { DATABASE_URL: infra.databases.notification } : {}) };
    case 'gateway':
      return {
        ...common,
        PORT: String(plan.ports.gateway),
        ...jwks,
        ...(infra ? { REDIS_URL: infra.redisUrl } : {}),
        AUTH_SERVICE_URL: urlOf(plan, 'auth'),
        USER_SERVICE_URL: urlOf(plan, 'user'),
        POST_SERVICE_URL: urlOf(plan, 'post'),
        MEDIA_SERVICE_URL: urlOf(plan, 'media'),
        FEED_SERVICE_URL: urlOf(plan, 'feed'),
        SEARCH_SERVICE_URL: urlOf(plan, 'search'),
        NOTIFICATION_SERVICE_URL: urlOf(plan, 'notification'),
        RATE_LIMIT_ENABLED: String(plan.rateLimit),
      };
  }
}

const UPSTREAMS = ['auth', 'user', 'post', 'media', 'feed', 'search', 'notification'] as const;

/**
 * The gateway's upstream variables for what actually runs: every replica of a service as a
 * comma-separated list (the gateway balances round-robin), and no variable at all for a service that
 * is not running (its routes are then left out, 404, instead of failing with 502 on every call).
 */
export function gatewayUpstreams(
  plan: SystemPlan,
  running: readonly Deployable[],
  replicas: Partial<Record<Deployable, number>> = {},
): Record<string, string | undefined> {
  const variables: Record<string, string | undefined> = {};
  for (const upstream of UPSTREAMS) {
    variables[`${upstream.toUpperCase()}_SERVICE_URL`] = running.includes(upstream)
      ? Array.from(
          { length: replicas[upstream] ?? 1 },
          (_, replica) => `http://127.0.0.1:${plan.ports[upstream] + replica * 100}`,
        ).join(',')
      : undefined;
  }
  return variables;
}

/** The environment of one deployable among those `running` (the gateway only routes to those). */
export function environmentAmong(
  deployable: Deployable,
  plan: SystemPlan,
  running: readonly Deployable[],
  replicas: Partial<Record<Deployable, number>> = {},
): Record<string, string> {
  const env = environmentFor(deployable, plan);
  if (deployable !== 'gateway') return env;
  for (const [variable, value] of Object.entries(gatewayUpstreams(plan, running, replicas))) {
    if (value === undefined) delete env[variable];
    else env[variable] = value;
  }
  return env;
}
