// Starts a service and stops it gracefully. On SIGTERM (Kubernetes) or SIGINT (Ctrl-C):
//   1. readiness fails, so the endpoints controller stops routing new requests here;
//   2. an optional pre-stop delay gives kube-proxy/Ingress time to notice before we stop listening;
//   3. app.close(): stop accepting connections, finish in-flight requests (new ones on kept-alive
//      sockets get 503), then run onClose hooks in reverse registration order, so consumers stop
//      before the bus, and repositories close before the pool they were created from;
//   4. onShutdown, for resources created outside the app;
//   5. exit 0; if the whole sequence overruns shutdownTimeoutMs, log and exit 1.
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

export interface RunServiceOptions {
  app: FastifyInstance;
  port: number;
  host: string;
  /** Deadline for the whole shutdown; keep it below the pod's terminationGracePeriodSeconds. */
  shutdownTimeoutMs: number;
  /** Wait between failing readiness and closing the listener. */
  preStopDelayMs?: number;
  /** Runs after app.close(): release what server.ts created outside the app. */
  onShutdown?: () => Promise<void>;
}

export interface RunningService {
  /** The address the server listens on, e.g. `http://0.0.0.0:3000`. */
  address: string;
  /** Triggers the same graceful sequence as SIGTERM (the process exits when it completes). */
  shutdown: () => void;
}

export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const { app } = options;
  // Handlers go in before listening: a SIGTERM that lands between "listening" and the handler's
  // installation would otherwise kill the process with no graceful path at all.
  const grace = closeWithGrace(
    {
      delay: options.shutdownTimeoutMs,
      logger: { error: (message: unknown) => app.log.error({ err: message }, 'shutdown error') },
      onTimeout: (delay: number) => app.log.fatal({ delayMs: delay }, 'graceful shutdown timed out; exiting with 1'),
      onSecondSignal: (signal: string) => app.log.fatal({ signal }, 'second signal during shutdown; exiting with 1'),
    },
    async ({ signal, err }) => {
      if (err) app.log.fatal({ err }, 'fatal error; shutting down');
      else app.log.info({ signal }, 'shutdown started');
      app.health.beginShutdown();
      if (options.preStopDelayMs) await new Promise((resolve) => setTimeout(resolve, options.preStopDelayMs));
      await app.close();
      await options.onShutdown?.();
      app.log.info('shutdown complete');
    },
  );

  const address = await app.listen({ port: options.port, host: options.host });
  return { address, shutdown: grace.close };
}
