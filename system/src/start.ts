// `npm start`: the whole system on this machine. Embedded mode (the default) runs every service and
// worker in this process with zero infrastructure; local mode runs them as separate processes against
// PostgreSQL, Redis and NATS. Seeds the demo data on first start, prints where everything is, and
// stops cleanly on Ctrl-C.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readSeedState } from '@scalegram/loadgen/seed-state';
import { parseStartOptions, type StartOptions, USAGE, UsageError } from './cli-options.ts';
import { DEMO_PASSWORD, isSeeded, seedStatePath } from './demo-seed.ts';
import { displayHost, EMBEDDED_DEPLOYABLES, startEmbeddedSystem } from './embedded-system.ts';
import { dropLocalDatabases, prepareLocalInfrastructure } from './local-infrastructure.ts';
import { startLocalSystem } from './local-system.ts';
import { loadServiceClientSecrets } from './service-client-secrets.ts';
import { checkSettings } from './service-settings.ts';
import { DEFAULT_PORTS, DEPLOYABLES, type Deployable, type SystemPlan, urlOf } from './system-plan.ts';
import { waitForAllReady, waitForReady } from './wait-for-ready.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCAL_READY_TIMEOUT_MS = 300_000;

function say(message: string): void {
  process.stdout.write(`\x1b[36m[scalegram]\x1b[0m ${message}\n`);
}

function secondsSinceStart(): string {
  return (performance.now() / 1000).toFixed(1);
}

/** Seeds in a child process (see seed-process.ts), sharing this terminal for its progress bars. */
async function runSeedProcess(gatewayUrl: string, plan: SystemPlan): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@scalegram/source',
      fileURLToPath(new URL('./seed-process.ts', import.meta.url)),
      gatewayUrl,
      plan.dataDir,
      urlOf(plan, 'auth'),
      urlOf(plan, 'user'),
    ],
    { stdio: 'inherit' },
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`seeding failed (exit ${code}); start again to resume it`);
}

/** The documented ports, or the same layout from --port-base; the gateway's from --port. */
function portsOf(options: StartOptions): Record<Deployable, number> {
  const ports = { ...DEFAULT_PORTS };
  if (options.portBase !== undefined) {
    for (const deployable of DEPLOYABLES) ports[deployable] = DEFAULT_PORTS[deployable] - 3000 + options.portBase;
  }
  ports.gateway = options.gatewayPort;
  return ports;
}

function requiredWithS3(name: string): string {
  const value = process.env[name];
  if (!value) throw new UsageError(`${name} must be set when S3_ENDPOINT is`);
  return value;
}

async function run(options: StartOptions): Promise<void> {
  // Ctrl-C is honoured from the first moment: during start-up it stops whatever has started so far.
  const startUp = new AbortController();
  let stopSystem: (() => Promise<void>) | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      say(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    say(`${signal}: stopping (gateway first, then every service)…`);
    if (stopSystem === undefined) {
      // Still starting: the start path sees the abort, stops what it started and exits.
      startUp.abort();
      return;
    }
    stopSystem().then(
      () => {
        say('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${(error as Error).stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const stoppedDuringStartUp = () => {
    say('stopped');
    process.exit(0);
  };

  // Every --set is checked by its service's own schema before anything starts or touches the disk.
  checkSettings(
    {
      namespace: options.namespace,
      dataDir: options.dataDir,
      host: options.host,
      ports: portsOf(options),
      logLevel: options.logLevel,
      rateLimit: options.rateLimit,
      settings: options.settings,
    },
    EMBEDDED_DEPLOYABLES,
  );

  if (options.fresh) {
    say(`--fresh: deleting ${options.dataDir}`);
    await rm(options.dataDir, { recursive: true, force: true });
    if (options.mode === 'local') await dropLocalDatabases(options.postgresUrl, options.namespace, options.postShards);
  }
  // Seeding registers 962 users from one address; the gateway's per-caller rate limit would throttle
  // it to a crawl. A first start therefore seeds with the limit off, then restarts the gateway with it.
  const needsSeed = options.seed && !(await isSeeded(options.dataDir));
  const plan: SystemPlan = {
    namespace: options.namespace,
    dataDir: options.dataDir,
    host: options.host,
    ports: portsOf(options),
    logLevel: options.logLevel,
    rateLimit: options.rateLimit && !needsSeed,
    serviceClients: await loadServiceClientSecrets(options.dataDir),
    settings: options.settings,
  };
  if (options.namespace !== 'scalegram') say(`namespace ${options.namespace}`);

  let stop: () => Promise<void>;
  let restartGateway: (next: SystemPlan) => Promise<void>;
  let gatewayUrl: string;
  // Local mode starts processes concurrently: the gateway may be ready before the services behind it.
  let readinessUrls: readonly string[] = [];
  if (options.mode === 'embedded') {
    say(`embedded mode: every service in this process, data in ${options.dataDir}`);
    const system = await startEmbeddedSystem({ plan });
    if (startUp.signal.aborted) {
      await system.stop();
      return stoppedDuringStartUp();
    }
    stop = system.stop;
    restartGateway = system.restartGateway;
    gatewayUrl = system.gatewayUrl;
  } else {
    say(
      `local mode: PostgreSQL ${new URL(options.postgresUrl).host}, Redis ${options.redisUrl}, NATS ${options.natsUrl}`,
    );
    plan.infrastructure = await prepareLocalInfrastructure({
      postgresUrl: options.postgresUrl,
      redisUrl: options.redisUrl,
      natsUrl: options.natsUrl,
      namespace: options.namespace,
      postShards: options.postShards,
      ...(process.env.S3_ENDPOINT
        ? {
            s3: {
              endpoint: process.env.S3_ENDPOINT,
              accessKey: requiredWithS3('S3_ACCESS_KEY'),
              secretKey: requiredWithS3('S3_SECRET_KEY'),
            },
          }
        : {}),
      ...(process.env.QDRANT_URL ? { qdrantUrl: process.env.QDRANT_URL } : {}),
    });
    if (startUp.signal.aborted) return stoppedDuringStartUp();
    let supervisor: Awaited<ReturnType<typeof startLocalSystem>>;
    try {
      supervisor = await startLocalSystem({
        plan,
        deployables: EMBEDDED_DEPLOYABLES,
        replicas: options.replicas,
        signal: startUp.signal,
        onFatal: (error) => fail(error),
        // Eleven Node processes starting at once on a busy two-core laptop can take minutes.
        readyTimeoutMs: LOCAL_READY_TIMEOUT_MS,
      });
    } catch (error) {
      if (startUp.signal.aborted) return stoppedDuringStartUp();
      throw error;
    }
    stop = supervisor.stop;
    restartGateway = supervisor.restartGateway;
    readinessUrls = supervisor.readinessUrls;
    gatewayUrl = `http://${displayHost(options.host)}:${options.gatewayPort}`;
  }

  stopSystem = stop;
  if (startUp.signal.aborted) {
    // Ctrl-C arrived just as the last process started.
    await stop();
    return stoppedDuringStartUp();
  }

  try {
    await waitForAllReady(readinessUrls, options.mode === 'local' ? LOCAL_READY_TIMEOUT_MS : 120_000);
    await afterStart(options, plan, gatewayUrl, restartGateway, () => stopping);
  } catch (error) {
    await fail(error as Error);
  }

  /** Whatever failed after the services started, they are stopped cleanly (embedded stores flushed). */
  async function fail(error: Error): Promise<void> {
    if (stopping) return;
    stopping = true;
    // A configuration problem is one line, already explained; anything else gets its stack.
    const text = /cannot start/.test(error.message) ? error.message : (error.stack ?? String(error));
    process.stderr.write(`scalegram: ${text}\nstopping…\n`);
    await stop().catch(() => undefined);
    process.exit(1);
  }
}

/** Readiness, demo data, the banner. */
async function afterStart(
  options: StartOptions,
  plan: SystemPlan,
  gatewayUrl: string,
  restartGateway: (next: SystemPlan) => Promise<void>,
  stopping: () => boolean,
): Promise<void> {
  await waitForReady(`${gatewayUrl}/readyz`, 120_000);
  say(`ready in ${secondsSinceStart()} s: ${gatewayUrl}`);

  let demoUser: string | undefined;
  if (options.seed) {
    const started = performance.now();
    if (await isSeeded(options.dataDir)) {
      say('demo data already seeded (use --fresh to start over)');
    } else {
      say('seeding demo data (socfb-Reed98: 962 users, 37,624 follows, posts with images, likes, comments)…');
      try {
        await runSeedProcess(gatewayUrl, plan);
      } catch (error) {
        if (stopping()) return; // Ctrl-C reached the seeding process too; the shutdown is under way.
        throw error;
      }
      say(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    demoUser = (await readSeedState(seedStatePath(options.dataDir)))?.users[0]?.username;
    if (options.rateLimit && !plan.rateLimit) {
      await restartGateway({ ...plan, rateLimit: true });
      await waitForReady(`${gatewayUrl}/readyz`, 60_000);
      say('gateway restarted with its rate limit on');
    }
  }

  // What a person types: localhost (the services bind 127.0.0.1 unless --host says otherwise).
  const shownUrl = gatewayUrl.replace('//127.0.0.1:', '//localhost:');
  const lines = [
    '',
    `  Scalegram is running (${options.mode} mode)`,
    '',
    `  Gateway      ${shownUrl}`,
    `  Swagger UI   ${shownUrl}/docs`,
    ...(demoUser ? [`  Demo login   ${demoUser} / ${DEMO_PASSWORD}   (any of user_0 … user_961)`] : []),
    '',
    // Without demo data there is no demo account to log in with: registering is the first step.
    ...(demoUser
      ? [
          `  Try:  curl -s '${shownUrl}/api/v1/auth/login' -H 'content-type: application/json' \\`,
          `          -d '{"username":"${demoUser}","password":"${DEMO_PASSWORD}"}'`,
        ]
      : [
          `  No demo data (--no-seed). Register first:`,
          `  curl -s '${shownUrl}/api/v1/auth/register' -H 'content-type: application/json' \\`,
          `    -d '{"username":"alice","password":"choose-a-long-password"}'`,
        ]),
    ...(options.mode === 'embedded'
      ? [`  Memory       ${Math.round(process.memoryUsage().rss / 1048576)} MB resident (the whole system)`]
      : []),
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

let options: StartOptions;
try {
  options = parseStartOptions(process.argv.slice(2), process.env, REPO_ROOT);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
try {
  await run(options);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  // A service's configuration problem (exit 78) is one line that says it all; anything else, its stack.
  const text = /cannot start/.test((error as Error).message) ? (error as Error).message : (error as Error).stack;
  process.stderr.write(`scalegram: failed to start: ${text ?? String(error)}\n`);
  process.exit(1);
}
