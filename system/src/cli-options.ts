// `npm start -- [options]`: parsed and validated here (pure), so a typo is a clear message, not a
// half-started system.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_NAMESPACE, isNamespace } from '@scalegram/contracts/namespace';
import { DEFAULT_PORTS, DEPLOYABLES, type Deployable, type Settings } from './system-plan.ts';

export interface StartOptions {
  mode: 'embedded' | 'local';
  /** Every name the system creates on shared servers is under it (ADR 0040). */
  namespace: string;
  dataDir: string;
  fresh: boolean;
  seed: boolean;
  host: string;
  gatewayPort: number;
  /** Services on base+1 … base+9 instead of 3001 … 3009 (two systems on one machine, tests). */
  portBase: number | undefined;
  logLevel: string;
  rateLimit: boolean;
  replicas: Partial<Record<Deployable, number>>;
  /** `--set <service>.<VARIABLE>=<value>`: configuration variables passed to a service. */
  settings: Settings;
  postShards: number;
  postgresUrl: string;
  redisUrl: string;
  natsUrl: string;
  help: boolean;
}

export const USAGE = `Usage: npm start -- [options]

  --mode embedded|local   embedded (default): one process, no servers needed.
                          local: one process per service against PostgreSQL, Redis and NATS
                          (DATABASE_URL, REDIS_URL, NATS_URL; S3_ENDPOINT and QDRANT_URL when set).
  --namespace <name>      the system's namespace: every database, stream, subject, key prefix and
                          bucket it creates on shared servers is under it, so two systems can share
                          one PostgreSQL, Redis and NATS (default scalegram; lower-case letters,
                          digits and inner hyphens, at most 24 characters)
  --data-dir <dir>        where data is kept (default: .scalegram-data in the repository, or
                          .scalegram-data-<namespace> with --namespace)
  --fresh                 delete the data directory first (local mode: also drop its databases)
  --no-seed               do not seed the demo data on first start
  --port <n>              the gateway's port (default 8080)
  --port-base <n>         the services on n+1 … n+9 instead of 3001 … 3009
  --host <addr>           bind address (default 127.0.0.1; 0.0.0.0 to reach it from elsewhere)
  --log-level <level>     trace|debug|info|warn|error|fatal (default: warn embedded, info local)
  --no-rate-limit         turn the gateway's per-user rate limit off (load tests)
  --replicas <d>=<n>      local mode: run n replicas of a deployable, e.g. --replicas feed-worker=2
                          (repeatable; deployables: ${DEPLOYABLES.join(', ')})
  --post-shards <n>       local mode: number of physical post databases (default 2)
  --set <s>.<VAR>=<value> set a service's configuration variable, checked by that service's own
                          schema at start (repeatable), e.g. --set feed.FEED_CELEBRITY_THRESHOLD=50
                          (services: ${DEPLOYABLES.join(', ')}; feed also sets feed-worker)
  -h, --help              this text
`;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export class UsageError extends Error {
  override name = 'UsageError';
}

function positiveInteger(value: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`${what} must be an integer from 1 to ${max}`);
  return n;
}

export function parseStartOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  repositoryRoot: string,
): StartOptions {
  let parsed: ReturnType<typeof parseArgsStrict>;
  try {
    // A leading `--` (left by some package managers' argument forwarding) separates nothing here.
    parsed = parseArgsStrict(argv[0] === '--' ? argv.slice(1) : argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  const mode = values.mode ?? 'embedded';
  if (mode !== 'embedded' && mode !== 'local') throw new UsageError('--mode must be "embedded" or "local"');
  const logLevel = values['log-level'] ?? (mode === 'embedded' ? 'warn' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);

  const replicas: Partial<Record<Deployable, number>> = {};
  for (const entry of values.replicas ?? []) {
    const match = /^([a-z-]+)=(\d+)$/.exec(entry);
    if (!match || !(DEPLOYABLES as readonly string[]).includes(match[1] as string)) {
      throw new UsageError(`--replicas expects <deployable>=<n> with a deployable from: ${DEPLOYABLES.join(', ')}`);
    }
    replicas[match[1] as Deployable] = positiveInteger(match[2] as string, '--replicas count', 9);
  }
  if (mode === 'embedded' && Object.keys(replicas).length > 0) {
    throw new UsageError('--replicas needs --mode local (the embedded mode runs one of each in one process)');
  }
  if (replicas.gateway !== undefined && replicas.gateway > 1) throw new UsageError('the gateway runs as one replica');

  const namespace = values.namespace ?? DEFAULT_NAMESPACE;
  if (!isNamespace(namespace)) {
    throw new UsageError(
      '--namespace must be lower-case letters, digits and inner hyphens, 1 to 24 characters, starting with a letter',
    );
  }
  const defaultDataDir = namespace === DEFAULT_NAMESPACE ? '.scalegram-data' : `.scalegram-data-${namespace}`;

  return {
    mode,
    namespace,
    dataDir: resolve(repositoryRoot, values['data-dir'] ?? defaultDataDir),
    fresh: values.fresh ?? false,
    seed: !(values['no-seed'] ?? false),
    host: values.host ?? '127.0.0.1',
    gatewayPort: values.port === undefined ? DEFAULT_PORTS.gateway : positiveInteger(values.port, '--port', 65_535),
    portBase:
      values['port-base'] === undefined ? undefined : positiveInteger(values['port-base'], '--port-base', 65_000),
    logLevel,
    rateLimit: !(values['no-rate-limit'] ?? false),
    replicas,
    settings: parseSettings(values.set ?? []),
    postShards: values['post-shards'] === undefined ? 2 : positiveInteger(values['post-shards'], '--post-shards', 16),
    postgresUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    help: values.help ?? false,
  };
}

/** What `npm start` itself sets: a --set would fight the option that owns it. */
const OWNED_BY_OPTIONS: Readonly<Record<string, string>> = {
  PORT: '--port and --port-base',
  HOST: '--host',
  LOG_LEVEL: '--log-level',
  NAMESPACE: '--namespace',
  DATA_DIR: '--data-dir',
};

/**
 * `<service>.<VARIABLE>=<value>` entries by service. Only the form and the service are checked here;
 * whether the service knows the variable and takes the value is its own schema's answer, at start
 * (service-settings.ts).
 */
export function parseSettings(entries: readonly string[]): Settings {
  const settings: Settings = {};
  for (const entry of entries) {
    const match = /^([a-z-]+)\.([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(entry);
    if (!match) throw new UsageError(`--set expects <service>.<VARIABLE>=<value>, got "${entry}"`);
    const [, service, variable, value] = match as unknown as [string, string, string, string];
    if (!(DEPLOYABLES as readonly string[]).includes(service)) {
      throw new UsageError(
        `--set ${service}.${variable}: unknown service "${service}" (services: ${DEPLOYABLES.join(', ')})`,
      );
    }
    const owner = OWNED_BY_OPTIONS[variable];
    if (owner !== undefined)
      throw new UsageError(`--set ${service}.${variable}: npm start sets ${variable}; use ${owner}`);
    const forService = settings[service as Deployable] ?? {};
    forService[variable] = value;
    settings[service as Deployable] = forService;
  }
  return settings;
}

function parseArgsStrict(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      mode: { type: 'string' },
      namespace: { type: 'string' },
      'data-dir': { type: 'string' },
      fresh: { type: 'boolean' },
      'no-seed': { type: 'boolean' },
      port: { type: 'string' },
      'port-base': { type: 'string' },
      host: { type: 'string' },
      'log-level': { type: 'string' },
      'no-rate-limit': { type: 'boolean' },
      replicas: { type: 'string', multiple: true },
      'post-shards': { type: 'string' },
      set: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
