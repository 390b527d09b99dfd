// Prometheus metrics of the service client: how calls to each upstream end, how often they are
// retried, and whether its circuit is open. Pass the app's registry (`app.metrics.registry`); several
// clients share one set of metrics, told apart by the `upstream` label.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type CallOutcome = 'success' | 'client-error' | 'server-error' | 'unavailable' | 'timeout' | 'circuit-open';

export interface ServiceClientMetrics {
  callDuration: Histogram<'upstream' | 'method' | 'outcome'>;
  retries: Counter<'upstream'>;
  circuitOpen: Gauge<'upstream'>;
}

// One registry may serve many clients: create each metric once, then reuse it.
function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function serviceClientMetrics(registry: Registry): ServiceClientMetrics {
  return {
    callDuration: getOrCreate(
      registry,
      'upstream_call_duration_seconds',
      () =>
        new Histogram({
          name: 'upstream_call_duration_seconds',
          help: 'Duration of calls to other services, retries included, by outcome',
          labelNames: ['upstream', 'method', 'outcome'] as const,
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
    ),
    retries: getOrCreate(
      registry,
      'upstream_retries_total',
      () =>
        new Counter({
          name: 'upstream_retries_total',
          help: 'Retried attempts of calls to other services',
          labelNames: ['upstream'] as const,
          registers: [registry],
        }),
    ),
    circuitOpen: getOrCreate(
      registry,
      'upstream_circuit_open',
      () =>
        new Gauge({
          name: 'upstream_circuit_open',
          help: '1 while the circuit breaker towards the upstream is open (failing fast), else 0',
          labelNames: ['upstream'] as const,
          registers: [registry],
        }),
    ),
  };
}
