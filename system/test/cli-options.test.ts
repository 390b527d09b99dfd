import { describe, expect, it } from '@jest/globals';
import { parseStartOptions, UsageError } from '../src/cli-options.ts';

const parse = (...argv: string[]) => parseStartOptions(argv, {}, '/repo');

describe('parseStartOptions', () => {
  it('defaults to the embedded mode with demo data on port 8080', () => {
    expect(parse()).toMatchObject({
      mode: 'embedded',
      namespace: 'scalegram',
      settings: {},
      dataDir: '/repo/.scalegram-data',
      fresh: false,
      seed: true,
      host: '127.0.0.1',
      gatewayPort: 8080,
      logLevel: 'warn',
      rateLimit: true,
      replicas: {},
    });
  });

  it('reads the local mode, its replicas and shards, and the store URLs from the environment', () => {
    const options = parseStartOptions(
      ['--mode', 'local', '--replicas', 'feed-worker=2', '--replicas', 'notification=3', '--post-shards', '3'],
      { DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://r', NATS_URL: 'nats://n' },
      '/repo',
    );
    expect(options).toMatchObject({
      mode: 'local',
      logLevel: 'info',
      replicas: { 'feed-worker': 2, notification: 3 },
      postShards: 3,
      postgresUrl: 'postgres://db/x',
      redisUrl: 'redis://r',
      natsUrl: 'nats://n',
    });
  });

  it('shifts the services to --port-base + 1 … + 9', () => {
    expect(parse('--port-base', '40000').portBase).toBe(40000);
    expect(parse().portBase).toBeUndefined();
  });

  it('takes a namespace, which also gives the system a data directory of its own', () => {
    expect(parse('--namespace', 'team-b')).toMatchObject({
      namespace: 'team-b',
      dataDir: '/repo/.scalegram-data-team-b',
    });
    expect(parse('--namespace', 'team-b', '--data-dir', 'x').dataDir).toBe('/repo/x');
    for (const bad of ['Team', 'a_b', 'a.b', '-a', 'x'.repeat(25)]) {
      expect(() => parse(`--namespace=${bad}`)).toThrow(/--namespace must be/);
    }
  });

  it('collects --set by service, values with = and spaces included', () => {
    expect(
      parse(
        '--set',
        'feed.FEED_CELEBRITY_THRESHOLD=50',
        '--set',
        'gateway.CORS_ORIGINS=http://a.test,http://b.test',
        '--set',
        'feed.FEED_TIMELINE_MAX=100',
        '--set',
        'auth.AUTH_ISSUER=a=b c',
      ).settings,
    ).toEqual({
      feed: { FEED_CELEBRITY_THRESHOLD: '50', FEED_TIMELINE_MAX: '100' },
      gateway: { CORS_ORIGINS: 'http://a.test,http://b.test' },
      auth: { AUTH_ISSUER: 'a=b c' },
    });
  });

  it.each([
    [['--set', 'FEED_CELEBRITY_THRESHOLD=50'], /--set expects <service>.<VARIABLE>=<value>/],
    [['--set', 'feeds.FEED_CELEBRITY_THRESHOLD=50'], /unknown service "feeds" \(services: auth, user/],
    [['--set', 'feed.PORT=1'], /npm start sets PORT; use --port and --port-base/],
    [['--set', 'user.NAMESPACE=x'], /use --namespace/],
  ])('refuses --set %j with a usage error that says why', (argv, message) => {
    expect(() => parse(...argv)).toThrow(message);
  });

  it('ignores a leading "--" left by argument forwarding', () => {
    expect(parse('--', '--port', '9090').gatewayPort).toBe(9090);
  });

  it.each([
    [['--mode', 'cluster']],
    [['--port', '0']],
    [['--port', '70000']],
    [['--log-level', 'loud']],
    [['--replicas', 'feed-worker=2']],
    [['--mode', 'local', '--replicas', 'nope=2']],
    [['--mode', 'local', '--replicas', 'gateway=2']],
    [['--unknown']],
  ])('refuses %j with a usage error', (argv) => {
    expect(() => parse(...argv)).toThrow(UsageError);
  });
});
