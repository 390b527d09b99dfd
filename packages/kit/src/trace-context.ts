// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header.
// Format: `00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>`. We do not export spans anywhere;
// propagating the header correctly is what lets a tracing backend (or a mesh) stitch calls together.
import { randomFillSync } from 'node:crypto';

export const TRACEPARENT_HEADER = 'traceparent';

export interface TraceContext {
  /** 32 lowercase hex characters, shared by every hop of one end-to-end request. */
  traceId: string;
  /** This service's span for the current request (16 hex); the parent of its outgoing calls. */
  spanId: string;
  /** The caller's span id from the incoming header, if there was a valid one. */
  parentSpanId: string | undefined;
  /** Two hex characters; `01` means sampled. */
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

// Every request needs fresh random ids. One randomBytes() call per id took 13% of the CPU in a profile
// of the kit app under bench/overhead.ts; like crypto.randomUUID, draw from a pool refilled in blocks.
const POOL_SIZE = 8192;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  // All zeros is the spec's "invalid" id; astronomically unlikely, but cheap to rule out.
  return /[^0]/.test(hex) ? hex : randomHex(bytes);
}

export function newTraceId(): string {
  return randomHex(16);
}

export function newSpanId(): string {
  return randomHex(8);
}

/** Parses a `traceparent` header; returns undefined for anything the spec says to ignore. */
export function parseTraceparent(
  header: unknown,
): Pick<TraceContext, 'traceId' | 'parentSpanId' | 'flags'> | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, parentSpanId, flags, rest] = match;
  // Version ff is forbidden; version 00 must have exactly four fields. Future versions may append
  // fields, which we accept and ignore as the spec asks.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE_ID || parentSpanId === ZERO_SPAN_ID) return undefined;
  return { traceId: traceId as string, parentSpanId: parentSpanId as string, flags: flags as string };
}

/** The trace context of an incoming request: continue a valid trace, otherwise start a new one. */
export function traceContextFrom(header: unknown): TraceContext {
  const parent = parseTraceparent(header);
  if (parent) return { ...parent, spanId: newSpanId() };
  return { traceId: newTraceId(), spanId: newSpanId(), parentSpanId: undefined, flags: '01' };
}

/**
 * The `traceparent` for an outgoing call: same trace id, a fresh span id for the client span.
 * Without a current trace (a call made outside any request, e.g. from a consumer) a new trace starts.
 */
export function outgoingTraceparent(current: TraceContext | undefined): string {
  const traceId = current?.traceId ?? newTraceId();
  const flags = current?.flags ?? '01';
  return `00-${traceId}-${newSpanId()}-${flags}`;
}
