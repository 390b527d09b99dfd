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
