// A pino destination that keeps every line in memory, so tests can assert on what was logged.
import type { DestinationStream } from 'pino';

export interface LogCapture extends DestinationStream {
  lines: string[];
  records(): Array<Record<string, unknown>>;
}

export function captureLogs(): LogCapture {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
    records() {
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}
