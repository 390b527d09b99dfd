// Configuration from environment variables, validated once at boot against a TypeBox schema.
//
// Why TypeBox's Value pipeline and not env-schema: the schema is already TypeBox, so the static type
// comes for free; Convert/Default/Errors give exactly the steps we want (coerce strings, fill
// defaults, report every problem at once) without a second Ajv configured differently from Fastify's,
// and without env-schema's implicit .env loading (configuration comes from the environment only).
import { DEFAULT_NAMESPACE, NAMESPACE_PATTERN } from '@scalegram/contracts/namespace';
import Type, { type Static, type TObject, type TProperties } from 'typebox';
import { Value } from 'typebox/value';

/** Thrown at boot when the environment does not satisfy the schema; lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The variables every service reads; spread into a service's own schema. */
export const BaseConfig = {
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  // 0.0.0.0, not localhost: inside a container the probe and the Service arrive on the pod IP.
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  LOG_LEVEL: Type.Enum([...LOG_LEVELS], { default: 'info' }),
  // Must stay below the pod's terminationGracePeriodSeconds, or Kubernetes SIGKILLs us first.
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 25_000 }),
  // Every name this deployable creates on a shared server (databases, streams, subjects, key prefixes,
  // buckets) is under it, so several systems can share one PostgreSQL, Redis and NATS (ADR 0040).
  NAMESPACE: Type.String({ pattern: NAMESPACE_PATTERN, default: DEFAULT_NAMESPACE }),
} satisfies TProperties;

/**
 * NATS_STREAM_REPLICAS, for every service that provisions JetStream streams: 1 on a single server
 * (which refuses more), 3 on a three-node cluster so that a lost node loses no acknowledged event.
 */
export const NatsStreamReplicas = Type.Integer({ minimum: 1, maximum: 5, default: 1 });

function variableOf(instancePath: string): string {
  // `/PORT` → PORT; variables are flat, so the first segment is the name.
  return instancePath.split('/')[1] ?? '';
}

/**
 * Validates `env` against `schema`: strings are coerced to numbers/booleans, defaults applied, and
 * variables not in the schema ignored. Throws ConfigError naming every missing or invalid variable.
 * Values are never echoed in the message, since they may be secrets.
 */
export function loadConfig<T extends TObject>(schema: T, env: NodeJS.ProcessEnv = process.env): Static<T> {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    // An empty variable (`FOO=`) means "not set": let the default apply or the required check fire.
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const candidate = Value.Default(schema, Value.Convert(schema, picked));
  if (Value.Check(schema, candidate)) return candidate as Static<T>;

  const problems = new Map<string, string>();
  for (const error of Value.Errors(schema, candidate)) {
    if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of missing) problems.set(name, `${name} is required but not set`);
      continue;
    }
    const name = variableOf(error.instancePath);
    if (!problems.has(name)) problems.set(name, `${name} ${error.message}`);
  }
  throw new ConfigError([...problems.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => text));
}
