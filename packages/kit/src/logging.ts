// Structured JSON logs through pino (Fastify's own logger), with secrets redacted before they are
// written. Redaction is defence in depth: the default request serializer logs no headers or bodies,
// but a developer who logs `{ body }` or `{ headers }` while debugging must not leak a password.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Field names that hold secrets wherever they appear in a logged object. */
export const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
] as const;

const SECRET_HEADERS = ['authorization', 'cookie', '["set-cookie"]'] as const;

// pino's redaction compiles explicit paths (fast, no deep walk per log line), so "anywhere" means
// "at any depth we are likely to log": top level and up to three objects deep, e.g. `body.password`,
// `req.body.user.password`. Headers are covered under `headers`, `req.headers` and `res.headers`.
const MAX_DEPTH = 3;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const field of SECRET_FIELDS) {
    let prefix = '';
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      paths.push(`${prefix}${field}`);
      prefix += '*.';
    }
  }
  for (const header of SECRET_HEADERS) {
    const suffix = header.startsWith('[') ? header : `.${header}`;
    paths.push(`headers${suffix}`, `req.headers${suffix}`, `res.headers${suffix}`, `*.headers${suffix}`);
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
  return pino(loggerOptions(settings), settings.destination ?? pino.destination({ dest: 1, sync: false }));
}
