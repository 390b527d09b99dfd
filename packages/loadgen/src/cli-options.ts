// Command-line parsing (node:util parseArgs) into a BenchmarkConfig. Kept apart from cli.ts so the
// mapping from flags to settings can be read, and tested, on its own.
import { parseArgs } from 'node:util';
import type { BenchmarkConfig, SearchSettings } from './benchmark.ts';
import { parseDuration } from './durations.ts';
import { constantShape, type LoadShape, rampShape, stepShape } from './engine/load-shape.ts';

export const USAGE = `Usage:
  scalegram-load run --scenario <name> [--url <url>] [--rate 500] [--duration 10s] [options]
  scalegram-load find-max --scenario <name> [--url <url>] --slo-p99 100ms [options]

Scenarios: ceiling (bare Fastify in a child process; no --url needed), http-get (GET --url, or --path).
Load (run):  --rate N --duration D | --steps 100:5s,200:5s | --ramp 0:500:30s
             --arrival constant|exp   --closed --vus 50 --think 100ms   (closed loop instead of open;
             with --arrival exp the think times are exponential)
find-max:    --slo-p99 100ms --start-rate 100 --growth 1.5 --max-rate 100000 --step-duration 3s --refine 2
Engine:      --connections 16 --pipelining 1 --timeout 10s --max-backlog 10000 --seed 1
             --warmup 1s (load at the first rate before measuring, discarded)
Users:       --users 962 --zipf 1.0 (default uniform)
Safety:      targets must be loopback unless named with --allow-host <host> (repeatable);
             --max-requests 5000000 caps one run or find-max step
Output:      --out bench-results/ --max-error-rate 0.01 (exit 1 above it) --ceiling (same-run ceiling) --quiet`;

export interface CliOptions {
  command: 'run' | 'find-max';
  out: string;
  maxErrorRate: number;
  quiet: boolean;
  config: BenchmarkConfig;
}

function parseShape(values: Record<string, string | boolean | string[] | undefined>): LoadShape {
  if (typeof values.steps === 'string') {
    return stepShape(
      values.steps.split(',').map((step) => {
        const [rate, duration] = step.split(':');
        return { rate: Number(rate), durationMs: parseDuration(duration ?? '') };
      }),
    );
  }
  if (typeof values.ramp === 'string') {
    const [from, to, duration] = values.ramp.split(':');
    return rampShape(Number(from), Number(to), parseDuration(duration ?? ''));
  }
  return constantShape(Number(values.rate ?? 100), parseDuration(String(values.duration ?? '10s')));
}

export function parseCli(argv: readonly string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      scenario: { type: 'string', default: 'http-get' },
      url: { type: 'string' },
      path: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      steps: { type: 'string' },
      ramp: { type: 'string' },
      arrival: { type: 'string', default: 'constant' },
      closed: { type: 'boolean', default: false },
      vus: { type: 'string', default: '16' },
      think: { type: 'string', default: '0ms' },
      connections: { type: 'string', default: '16' },
      pipelining: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '10s' },
      'max-backlog': { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      users: { type: 'string', default: '962' },
      zipf: { type: 'string' },
      'allow-host': { type: 'string', multiple: true, default: [] },
      'max-requests': { type: 'string', default: '5000000' },
      out: { type: 'string', default: 'bench-results' },
      'max-error-rate': { type: 'string', default: '0.01' },
      ceiling: { type: 'boolean', default: false },
      'slo-p99': { type: 'string', default: '100ms' },
      'start-rate': { type: 'string', default: '100' },
      growth: { type: 'string', default: '1.5' },
      'max-rate': { type: 'string', default: '100000' },
      'step-duration': { type: 'string', default: '3s' },
      refine: { type: 'string', default: '2' },
      quiet: { type: 'boolean', default: false },
      warmup: { type: 'string', default: '1s' },
    },
  });
  const command = positionals[0];
  if (command !== 'run' && command !== 'find-max') throw new RangeError(`unknown command "${command ?? ''}"`);
  const arrivals = { constant: 'constant', exp: 'exponential', exponential: 'exponential' } as const;
  const arrival = arrivals[values.arrival as keyof typeof arrivals];
  if (arrival === undefined) throw new RangeError('--arrival must be constant or exp');
  const maxErrorRate = Number(values['max-error-rate']);
  const search: SearchSettings = {
    sloP99Ms: parseDuration(values['slo-p99']),
    maxErrorRate,
    startRate: Number(values['start-rate']),
    growth: Number(values.growth),
    maxRate: Number(values['max-rate']),
    stepDurationMs: parseDuration(values['step-duration']),
    refineSteps: Number(values.refine),
  };
  const numbers = {
    connections: Number(values.connections),
    users: Number(values.users),
    seed: Number(values.seed),
    'max-requests': Number(values['max-requests']),
  };
  for (const [name, value] of Object.entries({ ...numbers, ...search })) {
    if (!Number.isFinite(value)) throw new RangeError(`--${name} must be a number`);
  }
  return {
    command,
    out: values.out,
    maxErrorRate,
    quiet: values.quiet,
    config: {
      scenario: values.scenario,
      url: values.url,
      path: values.path,
      mode: values.closed ? 'closed' : 'open',
      shape: parseShape(values),
      arrival,
      connections: numbers.connections,
      pipelining: Number(values.pipelining),
      timeoutMs: parseDuration(values.timeout),
      maxBacklog: Number(values['max-backlog']),
      seed: numbers.seed,
      users: numbers.users,
      distribution: values.zipf ? { kind: 'zipf', exponent: Number(values.zipf) } : { kind: 'uniform' },
      virtualUsers: Number(values.vus),
      thinkTimeMs: parseDuration(values.think),
      allowedHosts: values['allow-host'],
      maxRequests: numbers['max-requests'],
      warmupMs: parseDuration(values.warmup),
      search: command === 'find-max' ? search : undefined,
      ceiling: values.ceiling ? search : undefined,
    },
  };
}
