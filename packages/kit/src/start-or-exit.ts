// A service that cannot start because of its configuration or the state of a shared server (an invalid
// variable, another system's stream on its subjects) will fail the same way on every restart. It says so
// in one fatal log line and exits with 78 (EX_CONFIG, sysexits.h) instead of a stack trace and 1, so a
// supervisor (npm start's local mode) stops instead of restarting it in a loop, and a person reading
// `kubectl logs` sees the one line that matters.
import { ConflictError } from '@scalegram/contracts/errors';
import { ConfigError } from './config.ts';

export const EXIT_CONFIGURATION = 78;

/** Errors a restart cannot fix: only a person changing the configuration or the servers can. */
export function isConfigurationProblem(error: unknown): error is Error {
  return error instanceof ConfigError || (error instanceof ConflictError && error.code === 'stream-subjects-taken');
}

/** Runs `start`; on a configuration problem logs it (in the kit's JSON line format) and exits with 78. */
export async function startOrExit<T>(name: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (!isConfigurationProblem(error)) throw error;
    const line = {
      level: 'fatal',
      time: new Date().toISOString(),
      service: name,
      msg: `cannot start: ${error.message}`,
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(EXIT_CONFIGURATION);
  }
}
