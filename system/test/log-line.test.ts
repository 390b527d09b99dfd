import { describe, expect, it } from '@jest/globals';
import { formatLogLine, prefix } from '../src/log-line.ts';

describe('formatLogLine', () => {
  it('shortens a pino request line to time, level, message, route, status and duration', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.parse('2026-11-22T12:03:04.000Z'),
      msg: 'request completed',
      req: { method: 'POST', url: '/api/v1/posts' },
      res: { statusCode: 201 },
      responseTime: 12.4,
    });
    expect(formatLogLine(line)).toBe('12:03:04 INFO  request completed POST /api/v1/posts 201 12ms');
  });

  it('keeps the request and trace ids that tie one request’s lines together across processes', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.parse('2026-11-22T12:03:04.000Z'),
      msg: 'request completed',
      requestId: 'r-1f3',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      req: { method: 'GET', url: '/api/v1/feed' },
      res: { statusCode: 200 },
      responseTime: 3,
    });
    expect(formatLogLine(line)).toBe(
      '12:03:04 INFO  request completed GET /api/v1/feed 200 3ms req=r-1f3 trace=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7',
    );
  });

  it('reads the kit’s own format too: the level by name and the time in ISO 8601', () => {
    const line = JSON.stringify({ level: 'warn', time: '2026-11-22T12:03:04.000Z', service: 'feed', msg: 'slow' });
    expect(formatLogLine(line)).toBe('12:03:04 WARN  slow');
  });

  it('keeps the error message of an error line', () => {
    const line = JSON.stringify({ level: 50, time: 0, msg: 'relay failed', err: { message: 'connection refused' } });
    expect(formatLogLine(line)).toBe('00:00:00 ERROR relay failed — connection refused');
  });

  it('passes lines that are not pino JSON through unchanged', () => {
    expect(formatLogLine('    at main (file.ts:1:1)')).toBe('    at main (file.ts:1:1)');
    expect(formatLogLine('{not json')).toBe('{not json');
  });

  it('pads the name so that columns line up, coloured or not', () => {
    expect(prefix('post', 12, undefined)).toBe('post         |');
    expect(prefix('post', 4, 36)).toBe('\x1b[36mpost |\x1b[0m');
  });
});
