import { describe, expect, it } from '@jest/globals';
import { isValidRequestId } from '../src/request-id.ts';
import {
  newSpanId,
  newTraceId,
  outgoingTraceparent,
  parseTraceparent,
  traceContextFrom,
} from '../src/trace-context.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it('accepts a valid version-00 header', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      parentSpanId: SPAN_ID,
      flags: '01',
    });
  });

  it.each([
    ['missing', undefined],
    ['garbage', 'hello'],
    ['uppercase hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['forbidden version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with extra fields', `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ['short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
  ])('rejects %s', (_label, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('accepts a future version with extra fields, as the spec asks', () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-future`)?.traceId).toBe(TRACE_ID);
  });
});

describe('traceContextFrom / outgoingTraceparent', () => {
  it('continues a valid trace with a new span of its own', () => {
    const context = traceContextFrom(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(context.traceId).toBe(TRACE_ID);
    expect(context.parentSpanId).toBe(SPAN_ID);
    expect(context.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(context.spanId).not.toBe(SPAN_ID);
  });

  it('starts a new sampled trace when the header is absent or invalid', () => {
    const context = traceContextFrom('nonsense');
    expect(context.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(context.parentSpanId).toBeUndefined();
    expect(context.flags).toBe('01');
  });

  it('keeps the trace id and flags on outgoing calls, with a fresh parent id each time', () => {
    const context = traceContextFrom(`00-${TRACE_ID}-${SPAN_ID}-00`);
    const first = parseTraceparent(outgoingTraceparent(context));
    const second = parseTraceparent(outgoingTraceparent(context));
    expect(first?.traceId).toBe(TRACE_ID);
    expect(first?.flags).toBe('00');
    expect(first?.parentSpanId).not.toBe(second?.parentSpanId);
  });
});

describe('id generation', () => {
  it('produces well-formed, distinct ids across pool refills', () => {
    const traceIds = new Set<string>();
    // 2 000 trace ids consume 32 kB: several refills of the random pool.
    for (let i = 0; i < 2000; i++) {
      const id = newTraceId();
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      traceIds.add(id);
    }
    expect(traceIds.size).toBe(2000);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('isValidRequestId', () => {
  it('accepts UUIDs and simple tokens', () => {
    expect(isValidRequestId('3f2b9a1e-8c4d-4e5f-9a0b-1c2d3e4f5a6b')).toBe(true);
    expect(isValidRequestId('gw:abc.123_x')).toBe(true);
  });

  it('rejects empty, overlong and unsafe values', () => {
    expect(isValidRequestId('')).toBe(false);
    expect(isValidRequestId('a'.repeat(129))).toBe(false);
    expect(isValidRequestId('abc\ninjected')).toBe(false);
    expect(isValidRequestId('<script>')).toBe(false);
    expect(isValidRequestId(['a', 'b'])).toBe(false);
  });
});
