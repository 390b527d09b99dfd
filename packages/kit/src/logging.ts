// Structured JSON logs through pino (Fastify's own logger), with secrets redacted before they are
// written. Redaction is defence in depth: the default request serializer logs no headers or bodies,
// but a developer who logs `{ body }` or `{ headers }` while debugging must not leak a password.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Field names that hold secrets; redacted at the top level and inside the containers listed below. */
export const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
] as const;

const SECRET_HEADERS = ['authorization', 'cookie', '["set-cookie"]'] as const;

// Where secrets show up when someone logs a request or a command: at the top level (`{ password }`),
// or inside the usual containers (`{ body }`, `{ req: { body } }`, `{ input: { user } }`...).
//
// Why explicit paths and not wildcards (`*.password`, `*.*.password`): pino compiles explicit paths
// into a lookup that costs nothing when the key is absent, but a path that starts with a wildcard
// makes it clone every top-level value of every log line, including the Fastify request object on
// "incoming request". Measured with the load of bench/overhead.ts, three wildcard levels halved the
// throughput of a logging app; one level still cost about a third. A secret logged under a container not listed here is NOT redacted, so log
// objects, not raw requests, and add the container here if a new one appears.
const CONTAINERS = [
  '',
  'body.',
  'req.body.',
  'request.body.',
  'query.',
  'params.',
  'data.',
  'input.',
  'payload.',
  'user.',
  'credentials.',
  'command.',
  'body.user.',
  'body.credentials.',
  'input.user.',
  'data.user.',
] as const;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const field of SECRET_FIELDS) {
    for (const container of CONTAINERS) paths.push(`${container}${field}`);
  }
  for (const header of SECRET_HEADERS) {
    const suffix = header.startsWith('[') ? header : `.${header}`;
    paths.push(`headers${suffix}`, `req.headers${suffix}`, `request.headers${suffix}`, `res.headers${suffix}`);
  }
  return paths;
}

export const REDACT_PATHS: readonly string[] = redactPaths();

export interface LoggerSettings {
  service: string;
  version: string;
  level: LogLevel;
  /** Where to write; defaults to stdout. Tests pass a buffer stream, benchmarks a file. */
  destination?: DestinationStream;
}

export function loggerOptions(settings: Pick<LoggerSettings, 'service' | 'version' | 'level'>): LoggerOptions {
  return {
    level: settings.level,
    base: { service: settings.service, version: settings.version },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    // Log the level as its name: log pipelines and humans both read "error" better than 50.
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createLogger(settings: LoggerSettings): Logger {
  // Synchronous writes to stdout, pino's and Fastify's own default. bench/overhead.ts also measures an
  // async destination: in four runs on a shared two-core machine they were equal three times (async
  // was 35% faster once). Async loses or reorders the lines still queued when the process exits
  // (graceful shutdown ends in process.exit): the last lines of a shutdown or a crash, the ones you need.
  return pino(loggerOptions(settings), settings.destination ?? pino.destination({ dest: 1, sync: true }));
}
