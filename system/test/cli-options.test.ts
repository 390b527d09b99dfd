import { describe, expect, it } from '@jest/globals';
import { parseStartOptions, UsageError } from '../src/cli-options.ts';

const parse = (...argv: string[]) => parseStartOptions(argv, {}, '/repo');

describe('parseStartOptions', () => {
  it('defaults to the embedded mode with demo data on port 8080', () => {
    expect(parse()).toMatchObject({
      mode: 'embedded',
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
