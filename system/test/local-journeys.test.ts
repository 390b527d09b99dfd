// End-to-end journeys against the local-infrastructure mode, started as a person starts it
// (`npm start -- --mode local …`): two systems with different --namespace and --port-base, at the same
// time, against the same PostgreSQL (databases of this run only, dropped afterwards) and the same NATS
// and Redis (private servers of this run) — every deployable its own process under each supervisor, two
// notification replicas behind one gateway's round-robin. Each passes the whole journey while the other
// runs it too, and neither sees the other's users. Also: Ctrl-C during start-up leaves nothing running.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import { type PrivateNats, startPrivateNats } from '@scalegram/test-support/private-nats';
import { type PrivateRedis, startPrivateRedis } from '@scalegram/test-support/private-redis';
import { dropLocalDatabases } from '../src/local-infrastructure.ts';
import { JourneyClient } from './support/journey-client.ts';
import { mainJourney, registrationRace } from './support/journeys.ts';
import { freeBase, runStart, type StartProcess, until } from './support/start-process.ts';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RUN = randomBytes(3).toString('hex');
const POST_SHARDS = 2;

interface LocalSystem {
  namespace: string;
  gatewayUrl: string;
  process: StartProcess;
  dataDir: string;
}

let nats: PrivateNats | undefined;
let redis: PrivateRedis | undefined;
let env: NodeJS.ProcessEnv;
const namespaces: string[] = [];

/** `npm start -- --mode local --namespace … --port-base …` against this run's servers. */
async function startSystem(namespace: string, base: number, extra: string[] = []): Promise<LocalSystem> {
  namespaces.push(namespace);
  const dataDir = await mkdtemp(join(tmpdir(), `sg-e2e-${namespace}-`));
  const gatewayPort = base + 80;
  const started = runStart(
    [
      ...['--mode', 'local', '--namespace', namespace, '--no-seed', '--data-dir', dataDir],
      ...['--port-base', String(base), '--port', String(gatewayPort), '--post-shards', String(POST_SHARDS)],
      // info: every request is a log line, so the prefixing below has something to check.
      ...['--log-level', 'info', '--no-rate-limit', ...extra],
      // Two systems' journeys at once on a shared two-core machine: patient service-to-service timeouts
      // (which --set exists for), so that a slow moment is not mistaken for an unavailable upstream.
      ...['--set', 'auth.USER_SERVICE_TIMEOUT_MS=10000', '--set', 'gateway.UPSTREAM_TIMEOUT_MS=15000'],
      ...['--set', 'gateway.AUTH_SERVICE_TIMEOUT_MS=15000', '--set', 'feed.UPSTREAM_TIMEOUT_MS=10000'],
    ],
    env,
  );
  return { namespace, gatewayUrl: `http://127.0.0.1:${gatewayPort}`, process: started, dataDir };
}

async function stopSystem(system: LocalSystem | undefined): Promise<number | null | undefined> {
  if (system === undefined) return undefined;
  if (system.process.exitCode === null) system.process.kill('SIGINT');
  const code = await system.process.exited;
  await rm(system.dataDir, { recursive: true, force: true });
  return code;
}

beforeAll(async () => {
  [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]);
  env = { ...process.env, DATABASE_URL: POSTGRES_URL, REDIS_URL: redis.url, NATS_URL: nats.url };
}, 60_000);

afterAll(async () => {
  await Promise.all([nats?.destroy(), redis?.stop()]);
  for (const namespace of namespaces) await dropLocalDatabases(POSTGRES_URL, namespace, POST_SHARDS);
}, 120_000);

describe('two local-infrastructure systems on the same PostgreSQL, Redis and NATS', () => {
  let a: LocalSystem | undefined;
  let b: LocalSystem | undefined;

  beforeAll(async () => {
    const running = (system: LocalSystem) => () =>
      system.process.output().includes('Scalegram is running') || system.process.exitCode !== null;
    // One after the other: twenty-odd processes starting at once on two cores only start slower. Both
    // run together from then on.
    const baseA = await freeBase();
    a = await startSystem(`e2e-a-${RUN}`, baseA, ['--replicas', 'notification=2']);
    await until(running(a), 240_000);
    expect(a.process.output()).toContain('Scalegram is running (local mode)');
    b = await startSystem(`e2e-b-${RUN}`, await freeBase([baseA]));
    await until(running(b), 240_000);
    expect(b.process.output()).toContain('Scalegram is running (local mode)');
  }, 500_000);

  afterAll(async () => {
    expect(await Promise.all([stopSystem(a), stopSystem(b)])).toEqual([0, 0]);
  }, 120_000);

  it('carries a post from upload to deletion in both systems at once, each in its own namespace', async () => {
    const [systemA, systemB] = [a as LocalSystem, b as LocalSystem];
    await Promise.all([mainJourney(systemA.gatewayUrl), mainJourney(systemB.gatewayUrl)]);
    await Promise.all([registrationRace(systemA.gatewayUrl), registrationRace(systemB.gatewayUrl)]);
  }, 240_000);

  it('keeps each system’s users to itself', async () => {
    const name = `shared_${RUN}`;
    const inA = new JourneyClient((a as LocalSystem).gatewayUrl);
    const inB = new JourneyClient((b as LocalSystem).gatewayUrl);
    await inA.register(name, 'correct horse battery staple');
    // Unknown to the other system, whose own registration of the same name then succeeds.
    expect((await inB.login(name, 'correct horse battery staple')).status).toBe(401);
    await inB.register(name, 'another long password, its own');
    expect((await inA.login(name, 'another long password, its own')).status).toBe(401);
  }, 60_000);

  it('runs every deployable as its own process and prefixes every log line with its name', () => {
    const output = (a as LocalSystem).process.output();
    for (const name of ['gateway', 'auth', 'post', 'feed-worker', 'notification#1', 'notification#2']) {
      expect(output).toMatch(new RegExp(`^\\u001b\\[\\d+m${name}\\s*\\|`, 'm'));
    }
  });
});

describe('Ctrl-C during a local start-up', () => {
  it('stops every process started so far, and exits 0', async () => {
    const system = await startSystem(`e2e-int-${RUN}`, await freeBase());
    try {
      // Wait until every service process has been started, before they are all ready.
      const pid = system.process.pid as number;
      const childrenOf = () =>
        // ps answers 1 (and nothing) while there are none yet.
        spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
          .stdout.split('\n')
          .map((line) => Number(line.trim()))
          .filter((child) => child > 0);
      let children: number[] = [];
      await until(() => {
        children = childrenOf();
        return children.length >= 9 || system.process.exitCode !== null;
      }, 60_000);
      expect(children.length).toBeGreaterThanOrEqual(9);
      expect(system.process.output()).not.toContain('Scalegram is running');
      system.process.kill('SIGINT');
      expect(await system.process.exited).toBe(0);
      const alive = children.filter((child) => {
        try {
          process.kill(child, 0);
          return true;
        } catch {
          return false;
        }
      });
      expect(alive).toEqual([]);
      expect(system.process.output()).toContain('stopped');
    } finally {
      await stopSystem(system);
    }
  }, 120_000);
});

describe('a NATS server where another stream already holds the namespace’s subjects', () => {
  it('stops the start with one error naming that stream and the setting, instead of restarting', async () => {
    const namespace = `e2e-c-${RUN}`;
    const foreign = await createNatsBus({ servers: (nats as PrivateNats).url, name: 'foreign-application' });
    await foreign.ensureStream({ name: `FOREIGN_${RUN}`, subjects: [`${namespace}.post.>`], retention: 'limits' });
    await foreign.close();
    const system = await startSystem(namespace, await freeBase());
    try {
      expect(await system.process.exited).toBe(1);
      const output = system.process.output();
      expect(output).toMatch(
        new RegExp(
          `failed to start: \\S+ cannot start: .*NATS stream "FOREIGN_${RUN}" already captures ${namespace}\\.post\\.>`,
        ),
      );
      expect(output).toContain('NAMESPACE');
      expect(output).toContain('not restarting it');
      expect(output).not.toMatch(/restarting in \d+ ms/);
    } finally {
      await stopSystem(system);
    }
  }, 180_000);
});
