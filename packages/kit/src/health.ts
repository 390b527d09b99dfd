// Kubernetes probes. Liveness (`/healthz`) answers 200 as long as the event loop runs: it never checks
// dependencies, or a database outage would make Kubernetes restart every healthy replica. Readiness
// (`/readyz`) runs the service's checks and fails as soon as shutdown begins, so the endpoints
// controller takes the pod out of rotation before it stops accepting connections.
import { PROBLEM_CONTENT_TYPE, problemType } from '@scalegram/contracts/problem';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency is usable; rejects (or hangs past the timeout) when it is not. */
  check: () => Promise<void>;
}

export interface HealthOptions {
  checks: ReadinessCheck[];
  /** Per-check budget; a check that takes longer counts as failed. */
  checkTimeoutMs: number;
}

export interface Health {
  /** True once graceful shutdown has begun; readiness answers 503 from then on. */
  readonly shuttingDown: boolean;
  beginShutdown(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    health: Health;
  }
}

type CheckStatus = 'ok' | 'failed' | 'timeout';

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<{ status: CheckStatus; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    // `Promise.resolve().then` turns a synchronous throw inside `check` into a rejection.
    const outcome = await Promise.race([Promise.resolve().then(check.check), timedOut]);
    return { status: outcome === 'timeout' ? 'timeout' : 'ok' };
  } catch (error) {
    return { status: 'failed', error };
  } finally {
    clearTimeout(timer);
  }
}

export const healthPlugin = fp(
  async (app: FastifyInstance, options: HealthOptions) => {
    let shuttingDown = false;
    app.decorate('health', {
      get shuttingDown() {
        return shuttingDown;
      },
      beginShutdown() {
        shuttingDown = true;
      },
    });

    // `hide` is read by @fastify/swagger (which types it); probes are not part of the public API.
    const hidden = { hide: true } as FastifySchema;

    app.get('/healthz', { schema: hidden }, async () => ({ status: 'ok' }));

    app.get('/readyz', { schema: hidden }, async (request, reply) => {
      if (shuttingDown) {
        return reply
          .code(503)
          .type(PROBLEM_CONTENT_TYPE)
          .send(
            JSON.stringify({
              type: problemType('shutting-down'),
              title: 'Service Unavailable',
              status: 503,
              code: 'shutting-down',
              detail: 'This instance is shutting down.',
            }),
          );
      }
      const results = await Promise.all(
        options.checks.map(async (check) => ({ name: check.name, ...(await runCheck(check, options.checkTimeoutMs)) })),
      );
      const failing = results.filter((result) => result.status !== 'ok');
      const checks = results.map(({ name, status }) => ({ name, status }));
      if (failing.length === 0) return { status: 'ok', checks };
      // Why a check failed goes to the log, not the probe body: errors can name hosts and credentials.
      for (const { name, status, error } of failing) request.log.warn({ check: name, status, err: error }, 'not ready');
      return reply
        .code(503)
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          JSON.stringify({
            type: problemType('not-ready'),
            title: 'Service Unavailable',
            status: 503,
            code: 'not-ready',
            detail: `Failing readiness checks: ${failing.map((result) => result.name).join(', ')}`,
            checks,
          }),
        );
    });
  },
  { name: '@scalegram/kit/health', fastify: '5.x' },
);
