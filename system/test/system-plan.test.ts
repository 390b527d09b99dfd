// The environment each deployable gets is checked against that deployable's own config schema: a
// variable the runner forgets or misspells fails here, not at someone's first `npm start`.
import { describe, expect, it } from '@jest/globals';
import { loadAuthConfig } from '@scalegram/auth-service/config';
import { loadGatewayConfig } from '@scalegram/gateway-service/config';
import { loadMediaConfig } from '@scalegram/media-service/config';
import { loadMediaWorkerConfig } from '@scalegram/media-worker-service/config';
import { loadPostConfig, shardUrls } from '@scalegram/post-service/config';
import { loadUserConfig } from '@scalegram/user-service/config';
import { databaseNames } from '../src/local-infrastructure.ts';
import { planInstances, replicaPort } from '../src/local-system.ts';
import { checkSettings } from '../src/service-settings.ts';
import { DEFAULT_PORTS, DEPLOYABLES, environmentFor, type SystemPlan } from '../src/system-plan.ts';

const embedded: SystemPlan = {
  namespace: 'scalegram',
  dataDir: '/tmp/scalegram-test',
  host: '127.0.0.1',
  ports: DEFAULT_PORTS,
  logLevel: 'warn',
  rateLimit: true,
};
const local: SystemPlan = {
  ...embedded,
  infrastructure: {
    databases: {
      auth: 'postgres://pg/scalegram_auth',
      user: 'postgres://pg/scalegram_user',
      media: 'postgres://pg/scalegram_media',
      notification: 'postgres://pg/scalegram_notification',
      post: ['postgres://pg/scalegram_post_0', 'postgres://pg/scalegram_post_1'],
    },
    redisUrl: 'redis://127.0.0.1:6379',
    natsUrl: 'nats://127.0.0.1:4222',
  },
};

describe('environmentFor', () => {
  it('gives every deployable its own documented port', () => {
    const ports = DEPLOYABLES.map((deployable) => environmentFor(deployable, embedded).PORT);
    expect(new Set(ports).size).toBe(DEPLOYABLES.length);
    expect(environmentFor('gateway', embedded).PORT).toBe('8080');
  });

  it('is accepted by each service’s own config schema, embedded and local', () => {
    for (const plan of [embedded, local]) {
      expect(loadAuthConfig(environmentFor('auth', plan)).USER_SERVICE_URL).toBe('http://127.0.0.1:3002');
      expect(loadUserConfig(environmentFor('user', plan)).JWKS_URL).toBe('http://127.0.0.1:3001/.well-known/jwks.json');
      expect(loadPostConfig(environmentFor('post', plan)).MEDIA_SERVICE_URL).toBe('http://127.0.0.1:3004');
      expect(loadMediaConfig(environmentFor('media', plan)).PORT).toBe(3004);
      expect(loadMediaWorkerConfig(environmentFor('media-worker', plan)).DATA_DIR).toBe(plan.dataDir);
      expect(loadGatewayConfig(environmentFor('gateway', plan)).POST_SERVICE_URL).toBe('http://127.0.0.1:3003');
    }
  });

  it('leaves store URLs out in embedded mode, so every service picks its embedded adapter', () => {
    for (const deployable of DEPLOYABLES) {
      const env = environmentFor(deployable, embedded);
      for (const variable of [
        'DATABASE_URL',
        'POST_DATABASE_URLS',
        'REDIS_URL',
        'NATS_URL',
        'S3_ENDPOINT',
        'QDRANT_URL',
      ]) {
        expect(env[variable]).toBeUndefined();
      }
    }
  });

  it('points each owner at its own database in local mode, and the post service at every shard', () => {
    expect(environmentFor('auth', local).DATABASE_URL).toBe('postgres://pg/scalegram_auth');
    expect(environmentFor('user', local).DATABASE_URL).toBe('postgres://pg/scalegram_user');
    expect(shardUrls(loadPostConfig(environmentFor('post', local)))).toEqual([
      'postgres://pg/scalegram_post_0',
      'postgres://pg/scalegram_post_1',
    ]);
    expect(environmentFor('feed', local).REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(environmentFor('notification', local).NATS_URL).toBe('nats://127.0.0.1:4222');
  });

  it('gives every deployable the system’s namespace, and databases named under it', () => {
    const other = { ...local, namespace: 'team-b' };
    for (const deployable of DEPLOYABLES) expect(environmentFor(deployable, other).NAMESPACE).toBe('team-b');
    expect(loadUserConfig(environmentFor('user', other)).NAMESPACE).toBe('team-b');
    expect(databaseNames('scalegram', 2)).toEqual([
      'scalegram_auth',
      'scalegram_user',
      'scalegram_media',
      'scalegram_notification',
      'scalegram_post_0',
      'scalegram_post_1',
    ]);
    const theirs = databaseNames('team-b', 2);
    expect(theirs.filter((name) => databaseNames('scalegram', 2).includes(name))).toEqual([]);
    expect(() => databaseNames('Robert"; drop', 1)).toThrow(RangeError);
  });

  it('passes --set variables to the service they name (feed: its API and worker), over the plan’s', () => {
    const plan = {
      ...embedded,
      settings: {
        feed: { FEED_CELEBRITY_THRESHOLD: '50' },
        'feed-worker': { WORKER_CONCURRENCY: '2' },
        gateway: { RATE_LIMIT_ENABLED: 'false' },
      },
    };
    expect(environmentFor('feed', plan).FEED_CELEBRITY_THRESHOLD).toBe('50');
    expect(environmentFor('feed', plan).WORKER_CONCURRENCY).toBeUndefined();
    expect(environmentFor('feed-worker', plan)).toMatchObject({
      FEED_CELEBRITY_THRESHOLD: '50',
      WORKER_CONCURRENCY: '2',
    });
    expect(environmentFor('gateway', plan).RATE_LIMIT_ENABLED).toBe('false');
    expect(environmentFor('post', plan).FEED_CELEBRITY_THRESHOLD).toBeUndefined();
  });

  it('lets --set gateway.CORS_ORIGINS allow a web client’s origins, and gives the user service the media service', () => {
    const plan = { ...embedded, settings: { gateway: { CORS_ORIGINS: 'http://localhost:5173,https://app.example' } } };
    expect(() => checkSettings(plan, DEPLOYABLES)).not.toThrow();
    expect(loadGatewayConfig(environmentFor('gateway', plan)).CORS_ORIGINS).toBe(
      'http://localhost:5173,https://app.example',
    );
    expect(loadUserConfig(environmentFor('user', embedded)).MEDIA_SERVICE_URL).toBe(
      `http://127.0.0.1:${DEFAULT_PORTS.media}`,
    );
  });

  it('checks --set against the service’s own schema: unknown variables and bad values are usage errors', () => {
    const check = (settings: SystemPlan['settings']) => () => checkSettings({ ...embedded, settings }, DEPLOYABLES);
    expect(check({ feed: { FEED_CELEBRITY_THRESHOLD: '50' }, search: { SEARCH_MIN_SCORE: '0.2' } })).not.toThrow();
    expect(check({ feed: { CELEBRITY_THRESHOLD: '50' } })).toThrow(
      /feed has no configuration variable CELEBRITY_THRESHOLD \(did you mean FEED_CELEBRITY_THRESHOLD\?\)/,
    );
    expect(check({ feed: { FEED_CELEBRITY_THRESHOLD: 'many' } })).toThrow(
      /feed refuses its configuration:\n {2}- FEED_CELEBRITY_THRESHOLD/,
    );
    expect(check({ user: { FEED_CELEBRITY_THRESHOLD: '5' } })).toThrow(/user has no configuration variable/);
    expect(check({ 'feed-worker': { WORKER_CONCURRENCY: '0' } })).toThrow(/feed-worker refuses/);
  });

  it('switches the gateway rate limit off only when asked', () => {
    expect(loadGatewayConfig(environmentFor('gateway', embedded)).RATE_LIMIT_ENABLED).toBe(true);
    expect(loadGatewayConfig(environmentFor('gateway', { ...embedded, rateLimit: false })).RATE_LIMIT_ENABLED).toBe(
      false,
    );
  });
});

describe('planInstances', () => {
  it('runs replicas on ports 100 apart and lists every replica in the gateway’s upstreams', () => {
    const instances = planInstances(local, ['auth', 'user', 'notification', 'feed-worker', 'gateway'], {
      notification: 2,
      'feed-worker': 2,
    });
    expect(instances.map((instance) => instance.name)).toEqual([
      'auth',
      'user',
      'notification#1',
      'notification#2',
      'feed-worker#1',
      'feed-worker#2',
      'gateway',
    ]);
    expect(instances.filter((i) => i.deployable === 'notification').map((i) => i.env.PORT)).toEqual(['3009', '3109']);
    expect(replicaPort(local, 'feed-worker', 1)).toBe(3107);
    const gateway = instances.find((instance) => instance.deployable === 'gateway');
    expect(gateway?.env.NOTIFICATION_SERVICE_URL).toBe('http://127.0.0.1:3009,http://127.0.0.1:3109');
    // Upstreams that are not running are not routed at all (the gateway answers 404 for them).
    expect(gateway?.env.POST_SERVICE_URL).toBeUndefined();
    expect(gateway?.env.AUTH_SERVICE_URL).toBe('http://127.0.0.1:3001');
  });
});
