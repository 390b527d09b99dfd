// Turns one line of a service's pino output into a short, readable, prefixed line for the supervisor's
// console: `12:03:04 post      | INFO  request completed POST /api/v1/posts 201 12ms req=… trace=…`.
// The request and trace ids stay (as in embedded mode's JSON lines): they are what ties one request's
// lines together across processes. Lines that are not pino JSON (a crash trace, a warning from Node) pass
// through unchanged behind the prefix.

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLOURS = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94, 91];

export function colourFor(index: number): number {
  return COLOURS[index % COLOURS.length] as number;
}

export function prefix(name: string, width: number, colour: number | undefined): string {
  const label = `${name.padEnd(width)} |`;
  return colour === undefined ? label : `\x1b[${colour}m${label}\x1b[0m`;
}

interface PinoLine {
  /** The kit logs the level's name (`"info"`); pino's default is its number (30). */
  level?: number | string;
  /** ISO 8601 from the kit; epoch milliseconds by pino's default. */
  time?: number | string;
  msg?: string;
  err?: { message?: string };
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  requestId?: string;
  traceId?: string;
  spanId?: string;
}

function clock(time: number | string | undefined): string {
  return new Date(time ?? Date.now()).toISOString().slice(11, 19);
}

export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: PinoLine;
  try {
    entry = JSON.parse(line) as PinoLine;
  } catch {
    return line;
  }
  const level = (
    typeof entry.level === 'string' ? entry.level.toUpperCase() : (LEVELS[entry.level ?? 30] ?? 'INFO')
  ).padEnd(5);
  const parts = [clock(entry.time), level, entry.msg ?? ''];
  if (entry.req?.method) parts.push(`${entry.req.method} ${entry.req.url ?? ''}`);
  if (entry.res?.statusCode !== undefined) parts.push(String(entry.res.statusCode));
  if (entry.responseTime !== undefined) parts.push(`${Math.round(entry.responseTime)}ms`);
  if (entry.err?.message) parts.push(`— ${entry.err.message}`);
  if (entry.requestId) parts.push(`req=${entry.requestId}`);
  if (entry.traceId) parts.push(`trace=${entry.traceId}`);
  if (entry.spanId) parts.push(`span=${entry.spanId}`);
  return parts.filter((part) => part !== '').join(' ');
}
