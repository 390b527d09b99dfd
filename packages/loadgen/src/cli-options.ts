// Command-line parsing (node:util parseArgs) into a BenchmarkConfig. Kept apart from cli.ts so the
// mapping from flags to settings can be read, and tested, on its own.
import { parseArgs } from 'node:util';
import type { BenchmarkConfig, SearchSettings } from './benchmark.ts';
import { parseDuration } from './durations.ts';
import { constantShape, type LoadShape, rampShape, stepShape } from './engine/load-shape.ts';
import { parseGraphSpec } from './graph/graph-spec.ts';
import { SOCIAL_SCENARIOS } from './scenarios/registry.ts';
import type { PopulationSettings } from './scenarios/social/population.ts';

export const USAGE = `Usage:
  scalegram-load run --scenario <name> [--target <url>] [--rate 500] [--duration 10s] [options]
  scalegram-load find-max --scenario <name> [--target <url>] --p99 100ms [options]
  scalegram-load seed [--target <url>] [--graph reed98] [--posts-per-user 2] [seeding options]

Scenarios: ceiling (bare Fastify in a child process; no --target needed), http-get (GET --target, or --path);
           as seeded users of --graph, through the gateway: compose-post, read-home-timeline,
           read-user-timeline, mixed (60/30/10), follow-churn, media-upload, login.
Target:    --target (or --url) http://127.0.0.1:8080; run it with RATE_LIMIT_ENABLED=false (gateway) and
           wide auth throttles (REGISTER_ADDRESS_LIMIT, LOGIN_ADDRESS_LIMIT, LOGIN_USERNAME_LIMIT)
Seeding:   --graph reed98 | reed98:<users> | ba:<users>[:<m>[:<seed>]] | <edge-list path>   --datasets-dir <dir>
           --state seed-state.json (reused when it matches target and graph)   --reseed
           --password <pw> --user-prefix user_ --posts-per-user 2 --images-every 0 --likes-per-post 0
           --comments-per-post 0 --seed-concurrency 8
Load (run):  --rate N --duration D | --steps 100:5s,200:5s | --ramp 0:500:30s
             --arrival constant|exp   --closed --vus 50 --think 100ms   (closed loop instead of open;
             with --arrival exp the think times are exponential)
find-max:    --slo-p99 100ms --start-rate 100 --growth 1.5 --max-rate 100000 --step-duration 3s --refine 2
Engine:      --connections 16 --pipelining 1 --timeout 10s --max-backlog 10000 --seed 1
             --warmup 1s (load at the first rate before measuring, discarded)
Users:       --users 962 --zipf 1.0 (default uniform)
Safety:      targets must be loopback unless named with --allow-host <host> (repeatable);
             --max-requests 5000000 caps one run or find-max step
Output:      --out bench-results/ --max-error-rate 0.01 (exit 1 above it) --quiet
             --ceiling (same-run ceiling; on by default for find-max of a social scenario, --no-ceiling)
Environment: every flag can be given as SCALEGRAM_LOAD_<FLAG> (e.g. SCALEGRAM_LOAD_TARGET,
             SCALEGRAM_LOAD_P99, SCALEGRAM_LOAD_ALLOW_HOST=a,b), the command as SCALEGRAM_LOAD_COMMAND;
             flags win over the environment.`;

export interface CliOptions {
  command: 'run' | 'find-max' | 'seed';
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

const OPTIONS = {
  scenario: { type: 'string', default: 'http-get' },
  url: { type: 'string' },
  target: { type: 'string' },
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
  'allow-host': { type: 'string', multiple: true },
  'max-requests': { type: 'string', default: '5000000' },
  out: { type: 'string', default: 'bench-results' },
  'max-error-rate': { type: 'string', default: '0.01' },
  ceiling: { type: 'boolean', default: false },
  'no-ceiling': { type: 'boolean', default: false },
  'slo-p99': { type: 'string' },
  p99: { type: 'string' },
  'start-rate': { type: 'string', default: '100' },
  growth: { type: 'string', default: '1.5' },
  'max-rate': { type: 'string', default: '100000' },
  'step-duration': { type: 'string', default: '3s' },
  refine: { type: 'string', default: '2' },
  quiet: { type: 'boolean', default: false },
  warmup: { type: 'string', default: '1s' },
  graph: { type: 'string', default: 'reed98' },
  'datasets-dir': { type: 'string' },
  state: { type: 'string' },
  reseed: { type: 'boolean', default: false },
  // The embedded runner's demo password (`npm start` seeds Reed98 as user_0… with it), so a run against a
  // demo system logs its users in instead of failing on existing usernames.
  password: { type: 'string', default: 'scalegram-demo' },
  'user-prefix': { type: 'string', default: 'user_' },
  'posts-per-user': { type: 'string', default: '2' },
  'images-every': { type: 'string', default: '0' },
  'likes-per-post': { type: 'string', default: '0' },
  'comments-per-post': { type: 'string', default: '0' },
  'seed-concurrency': { type: 'string', default: '8' },
} as const;

type OptionName = keyof typeof OPTIONS;

export const ENV_PREFIX = 'SCALEGRAM_LOAD_';

/** `max-error-rate` ↔ SCALEGRAM_LOAD_MAX_ERROR_RATE. */
export const envName = (option: string): string => `${ENV_PREFIX}${option.toUpperCase().replaceAll('-', '_')}`;

/**
 * The environment as arguments placed before the real ones, so flags win (parseArgs keeps the last value
 * of a string option; repeatable options get the environment's values only when no flag is given). This is
 * how the Kubernetes Job configures a run: env from a ConfigMap, no shell.
 */
export function argsFromEnv(env: NodeJS.ProcessEnv, argv: readonly string[]): string[] {
  const args: string[] = [];
  for (const [name, option] of Object.entries(OPTIONS) as Array<[OptionName, (typeof OPTIONS)[OptionName]]>) {
    const value = env[envName(name)];
    if (value === undefined || value === '') continue;
    if (option.type === 'boolean') {
      if (/^(1|true|yes)$/i.test(value)) args.push(`--${name}`);
      else if (!/^(0|false|no)$/i.test(value)) throw new RangeError(`${envName(name)} must be true or false`);
    } else if ('multiple' in option) {
      if (!argv.includes(`--${name}`)) for (const item of value.split(',')) args.push(`--${name}`, item.trim());
    } else {
      args.push(`--${name}`, value);
    }
  }
  return args;
}

const count = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`--${name} must be a non-negative integer`);
  return value;
};

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  const { values, positionals } = parseArgs({
    args: [...argsFromEnv(env, argv), ...argv],
    allowPositionals: true,
    options: OPTIONS,
  });
  const command = positionals[0] ?? env.SCALEGRAM_LOAD_COMMAND;
  if (command !== 'run' && command !== 'find-max' && command !== 'seed') {
    throw new RangeError(`unknown command "${command ?? ''}"`);
  }
  const arrivals = { constant: 'constant', exp: 'exponential', exponential: 'exponential' } as const;
  const arrival = arrivals[values.arrival as keyof typeof arrivals];
  if (arrival === undefined) throw new RangeError('--arrival must be constant or exp');
  const maxErrorRate = Number(values['max-error-rate']);
  const search: SearchSettings = {
    sloP99Ms: parseDuration(values.p99 ?? values['slo-p99'] ?? '100ms'),
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
  const scenario = command === 'seed' ? 'seed' : values.scenario;
  const social = command === 'seed' || SOCIAL_SCENARIOS.includes(scenario);
  const url = values.target ?? values.url ?? (social ? 'http://127.0.0.1:8080' : undefined);
  const population: PopulationSettings | undefined = social
    ? {
        graph: parseGraphSpec(values.graph),
        datasetsDir: values['datasets-dir'],
        statePath: values.state ?? `${values.out}/seed-state.json`,
        password: values.password,
        usernamePrefix: values['user-prefix'],
        postsPerUser: count('posts-per-user', values['posts-per-user']),
        imagesEvery: count('images-every', values['images-every']),
        likesPerPost: count('likes-per-post', values['likes-per-post']),
        commentsPerPost: count('comments-per-post', values['comments-per-post']),
        concurrency: Math.max(1, count('seed-concurrency', values['seed-concurrency'])),
        seed: numbers.seed,
        reseed: values.reseed,
      }
    : undefined;
  return {
    command,
    out: values.out,
    maxErrorRate,
    quiet: values.quiet,
    config: {
      scenario,
      url,
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
      allowedHosts: values['allow-host'] ?? [],
      maxRequests: numbers['max-requests'],
      warmupMs: parseDuration(values.warmup),
      search: command === 'find-max' ? search : undefined,
      // A social find-max is always quoted as a ratio, so it measures the ceiling unless told not to.
      ceiling: values.ceiling || (command === 'find-max' && social && !values['no-ceiling']) ? search : undefined,
      social: population,
    },
  };
}
