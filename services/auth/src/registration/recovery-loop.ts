// Runs the registration recovery pass every `intervalMs` (never two passes at once). `stop()` waits
// for a running pass, so shutdown does not close the database under it.
import type { FastifyBaseLogger } from 'fastify';

export interface RecoveryLoop {
  start(): void;
  stop(): Promise<void>;
}

export function createRecoveryLoop(options: {
  intervalMs: number;
  run: () => Promise<unknown>;
  log: FastifyBaseLogger;
}): RecoveryLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = options
        .run()
        .then(
          () => undefined,
          (error: unknown) => options.log.error({ err: error }, 'registration recovery pass failed'),
        )
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, options.intervalMs);
    // The loop alone must not keep the process alive.
    timer.unref();
  };

  return {
    start() {
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
