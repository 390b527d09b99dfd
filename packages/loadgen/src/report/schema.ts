// The JSON report's schema (TypeBox, so the same definition is a JSON Schema for other tools and a
// static type here). Every figure a reader needs to reproduce or compare a run is in the report: what
// was run, against what, on which machine, with which settings, and the same figures for the ceiling.
import Type, { type Static } from 'typebox';

const Ms = Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'milliseconds; null if no sample' });

export const LatencySummarySchema = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  p50: Ms,
  p90: Ms,
  p99: Ms,
  p999: Ms,
  max: Ms,
  mean: Ms,
});

export const SecondPointSchema = Type.Object({
  second: Type.Integer({ minimum: 0 }),
  sent: Type.Integer({ minimum: 0 }),
  ok: Type.Integer({ minimum: 0 }),
  errors: Type.Integer({ minimum: 0 }),
  dropped: Type.Integer({ minimum: 0 }),
  p50: Ms,
  p99: Ms,
});

const Counts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));

export const RunSummarySchema = Type.Object({
  durationMs: Type.Number({ minimum: 0 }),
  elapsedMs: Type.Number({ minimum: 0 }),
  askedRate: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  sentRate: Type.Number({ minimum: 0 }),
  okRate: Type.Number({ minimum: 0 }),
  errorRate: Type.Number({ minimum: 0, maximum: 1 }),
  totals: Type.Object({
    scheduled: Type.Integer({ minimum: 0 }),
    sent: Type.Integer({ minimum: 0 }),
    ok: Type.Integer({ minimum: 0 }),
    errors: Type.Integer({ minimum: 0 }),
    dropped: Type.Integer({ minimum: 0 }),
    late: Type.Integer({ minimum: 0 }),
  }),
  statusCodes: Counts,
  errorsByKind: Counts,
  /** Per request label (e.g. the kinds of `mixed`); empty when the scenario labels nothing. */
  byRequest: Type.Record(
    Type.String(),
    Type.Object({
      ok: Type.Integer({ minimum: 0 }),
      errors: Type.Integer({ minimum: 0 }),
      errorsByKind: Counts,
      latency: LatencySummarySchema,
    }),
  ),
  latency: LatencySummarySchema,
  serviceTime: LatencySummarySchema,
  sendLag: LatencySummarySchema,
});

export const FindMaxStepSchema = Type.Object({
  rate: Type.Number({ minimum: 0 }),
  passed: Type.Boolean(),
  reasons: Type.Array(Type.String()),
  okRate: Type.Number({ minimum: 0 }),
  errorRate: Type.Number({ minimum: 0, maximum: 1 }),
  p50: Ms,
  p99: Ms,
  /** p99 of (actual − intended send): large values mean the generator or the connection pool fell behind. */
  sendLagP99: Ms,
});

export const FindMaxSchema = Type.Object({
  sloP99Ms: Type.Number({ exclusiveMinimum: 0 }),
  maxErrorRate: Type.Number({ minimum: 0, maximum: 1 }),
  maxSustainedRate: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  steps: Type.Array(FindMaxStepSchema),
});

const SegmentSchema = Type.Object({
  durationMs: Type.Number({ exclusiveMinimum: 0 }),
  fromRate: Type.Number({ minimum: 0 }),
  toRate: Type.Number({ minimum: 0 }),
});

export const ReportSchema = Type.Object({
  schemaVersion: Type.Literal(1),
  kind: Type.Union([Type.Literal('run'), Type.Literal('find-max')]),
  date: Type.String({ format: 'date-time' }),
  scenario: Type.Object({ name: Type.String({ minLength: 1 }), description: Type.String() }),
  target: Type.Object({ url: Type.String({ minLength: 1 }) }),
  machine: Type.Object({
    cores: Type.Integer({ minimum: 1 }),
    cpuModel: Type.String(),
    node: Type.String({ pattern: '^v\\d+' }),
    platform: Type.String(),
    arch: Type.String(),
    totalMemoryGiB: Type.Number({ minimum: 0 }),
  }),
  settings: Type.Object({
    mode: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    arrival: Type.Union([Type.Literal('constant'), Type.Literal('exponential')]),
    shape: Type.Object({
      kind: Type.Union([Type.Literal('constant'), Type.Literal('step'), Type.Literal('ramp')]),
      segments: Type.Array(SegmentSchema),
    }),
    connections: Type.Integer({ minimum: 1 }),
    pipelining: Type.Integer({ minimum: 1 }),
    timeoutMs: Type.Number({ exclusiveMinimum: 0 }),
    maxBacklog: Type.Integer({ minimum: 0 }),
    seed: Type.Integer(),
    users: Type.Integer({ minimum: 1 }),
    userDistribution: Type.String(),
    virtualUsers: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    thinkTimeMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
    warmupMs: Type.Number({ minimum: 0 }),
    /** The social graph the users come from (social scenarios only), e.g. `reed98`, `ba:10000:20:1`. */
    graph: Type.Optional(Type.String()),
  }),
  result: RunSummarySchema,
  series: Type.Array(SecondPointSchema),
  findMax: Type.Union([FindMaxSchema, Type.Null()]),
  ceiling: Type.Union([
    Type.Object({
      server: Type.String(),
      atSameLoad: Type.Union([RunSummarySchema, Type.Null()]),
      maxSustainedRate: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
      search: FindMaxSchema,
    }),
    Type.Null(),
  ]),
  ratios: Type.Union([
    Type.Object({
      okRateToCeilingMax: Type.Union([Type.Number(), Type.Null()]),
      maxRateToCeilingMax: Type.Union([Type.Number(), Type.Null()]),
      p50ToCeiling: Type.Union([Type.Number(), Type.Null()]),
      p99ToCeiling: Type.Union([Type.Number(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});

export type Report = Static<typeof ReportSchema>;
export type RunSummary = Static<typeof RunSummarySchema>;
export type FindMaxSummary = Static<typeof FindMaxSchema>;
