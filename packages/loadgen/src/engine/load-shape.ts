// How the target request rate changes over a run. Every shape is a list of segments, each with a rate
// at its start and at its end (equal for a constant segment, different for a linear ramp), so constant,
// step and ramp shapes are all read by the same scheduler.

export interface LoadSegment {
  durationMs: number;
  /** Requests per second at the start of the segment. */
  fromRate: number;
  /** Requests per second at the end (linear in between). */
  toRate: number;
}

export interface LoadShape {
  kind: 'constant' | 'step' | 'ramp';
  segments: LoadSegment[];
}

export function constantShape(rate: number, durationMs: number): LoadShape {
  return { kind: 'constant', segments: [{ durationMs, fromRate: rate, toRate: rate }] };
}

export function stepShape(steps: ReadonlyArray<{ rate: number; durationMs: number }>): LoadShape {
  return { kind: 'step', segments: steps.map((s) => ({ durationMs: s.durationMs, fromRate: s.rate, toRate: s.rate })) };
}

export function rampShape(fromRate: number, toRate: number, durationMs: number): LoadShape {
  return { kind: 'ramp', segments: [{ durationMs, fromRate, toRate }] };
}

export function shapeDurationMs(shape: LoadShape): number {
  return shape.segments.reduce((sum, s) => sum + s.durationMs, 0);
}

/** The expected number of requests: the area under the rate curve. */
export function expectedRequests(shape: LoadShape): number {
  return shape.segments.reduce((sum, s) => sum + ((s.fromRate + s.toRate) / 2) * (s.durationMs / 1000), 0);
}

export function validateShape(shape: LoadShape): void {
  if (shape.segments.length === 0) throw new RangeError('a load shape needs at least one segment');
  for (const s of shape.segments) {
    if (!(s.durationMs > 0)) throw new RangeError(`segment duration must be > 0, got ${s.durationMs} ms`);
    if (!(s.fromRate >= 0 && s.toRate >= 0)) throw new RangeError('rates must be ≥ 0');
  }
}
