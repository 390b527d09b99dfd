import { describe, expect, it } from '@jest/globals';
import { parseCli } from '../src/cli-options.ts';
import { parseDuration } from '../src/durations.ts';

describe('command line', () => {
  it('parses durations', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('3')).toBe(3_000);
    expect(() => parseDuration('fast')).toThrow(RangeError);
  });

  it('maps run flags to an open-loop constant shape', () => {
    const options = parseCli([
      'run',
      '--url',
      'http://127.0.0.1:8080/healthz',
      '--rate',
      '500',
      '--duration',
      '10s',
      '--arrival',
      'exp',
      '--zipf',
      '1.2',
      '--ceiling',
    ]);
    expect(options.command).toBe('run');
    expect(options.config.shape).toEqual({
      kind: 'constant',
      segments: [{ durationMs: 10_000, fromRate: 500, toRate: 500 }],
    });
    expect(options.config.arrival).toBe('exponential');
    expect(options.config.distribution).toEqual({ kind: 'zipf', exponent: 1.2 });
    expect(options.config.ceiling?.sloP99Ms).toBe(100);
    expect(options.config.search).toBeUndefined();
  });

  it('parses step and ramp shapes, closed loop and find-max settings', () => {
    expect(parseCli(['run', '--steps', '100:5s,200:2s']).config.shape.segments).toEqual([
      { durationMs: 5_000, fromRate: 100, toRate: 100 },
      { durationMs: 2_000, fromRate: 200, toRate: 200 },
    ]);
    expect(parseCli(['run', '--ramp', '0:500:30s']).config.shape).toEqual({
      kind: 'ramp',
      segments: [{ durationMs: 30_000, fromRate: 0, toRate: 500 }],
    });
    const closed = parseCli(['run', '--closed', '--vus', '50', '--think', '100ms']).config;
    expect([closed.mode, closed.virtualUsers, closed.thinkTimeMs]).toEqual(['closed', 50, 100]);
    const search = parseCli(['find-max', '--slo-p99', '50ms', '--start-rate', '200', '--growth', '2']).config.search;
    expect(search).toMatchObject({ sloP99Ms: 50, startRate: 200, growth: 2 });
  });

  it('rejects unknown commands, arrival processes and non-numbers', () => {
    expect(() => parseCli(['fire'])).toThrow(RangeError);
    expect(() => parseCli(['run', '--arrival', 'bursty'])).toThrow(RangeError);
    expect(() => parseCli(['run', '--connections', 'many'])).toThrow(RangeError);
    expect(() => parseCli(['run', '--max-requests', 'lots'])).toThrow(RangeError);
  });
});

describe('command line for the social scenarios and the Kubernetes Job', () => {
  it('takes --target and --p99, and gives social scenarios a population (reed98 by default)', () => {
    const options = parseCli([
      'find-max',
      '--scenario',
      'mixed',
      '--graph',
      'reed98',
      '--p99',
      '100ms',
      '--target',
      'http://127.0.0.1:8080',
    ]);
    expect(options.config.url).toBe('http://127.0.0.1:8080');
    expect(options.config.search?.sloP99Ms).toBe(100);
    expect(options.config.social).toMatchObject({
      graph: { kind: 'reed98' },
      statePath: 'bench-results/seed-state.json',
      usernamePrefix: 'user_',
      postsPerUser: 2,
    });
    expect(parseCli(['run', '--url', 'http://127.0.0.1:1/']).config.social).toBeUndefined();
    // A social find-max measures the ceiling unless told not to; other runs only when asked.
    expect(options.config.ceiling?.sloP99Ms).toBe(100);
    expect(parseCli(['find-max', '--scenario', 'mixed', '--no-ceiling']).config.ceiling).toBeUndefined();
    expect(parseCli(['find-max', '--scenario', 'ceiling']).config.ceiling).toBeUndefined();
    expect(parseCli(['run', '--scenario', 'mixed']).config.ceiling).toBeUndefined();
  });

  it('reads every flag from SCALEGRAM_LOAD_* variables, with flags winning', () => {
    const env = {
      SCALEGRAM_LOAD_COMMAND: 'find-max',
      SCALEGRAM_LOAD_SCENARIO: 'read-user-timeline',
      SCALEGRAM_LOAD_TARGET: 'http://gateway.scalegram.svc:8080',
      SCALEGRAM_LOAD_ALLOW_HOST: 'gateway.scalegram.svc, minio.scalegram.svc',
      SCALEGRAM_LOAD_GRAPH: 'ba:2000:10:3',
      SCALEGRAM_LOAD_P99: '50ms',
      SCALEGRAM_LOAD_CEILING: 'true',
      SCALEGRAM_LOAD_RATE: '300',
    };
    const options = parseCli(['--rate', '400'], env);
    expect(options.command).toBe('find-max');
    expect(options.config).toMatchObject({
      scenario: 'read-user-timeline',
      url: 'http://gateway.scalegram.svc:8080',
      allowedHosts: ['gateway.scalegram.svc', 'minio.scalegram.svc'],
    });
    expect(options.config.shape.segments[0]?.toRate).toBe(400);
    expect(options.config.search?.sloP99Ms).toBe(50);
    expect(options.config.ceiling).toBeDefined();
    expect(options.config.social?.graph).toEqual({ kind: 'barabasi-albert', users: 2000, edgesPerUser: 10, seed: 3 });
    expect(() => parseCli(['run'], { SCALEGRAM_LOAD_CEILING: 'maybe' })).toThrow(RangeError);
  });

  it('has a seed command', () => {
    const options = parseCli([
      'seed',
      '--graph',
      'ba:100:3',
      '--posts-per-user',
      '5',
      '--images-every',
      '10',
      '--state',
      '/tmp/s.json',
    ]);
    expect(options.command).toBe('seed');
    expect(options.config.social).toMatchObject({ postsPerUser: 5, imagesEvery: 10, statePath: '/tmp/s.json' });
    expect(() => parseCli(['seed', '--posts-per-user=-1'])).toThrow(RangeError);
  });
});
