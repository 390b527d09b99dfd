// A real Scalegram entry point (a service's or worker's src/server.ts) as a child process, the way it
// runs in production: its own Node, TypeScript from source, configuration only from the environment.
// Returns at once, so the caller can always stop what it started; `ready` resolves once /readyz answers
// 200 and rejects if the process exits first or takes too long.
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './free-port.ts';

export interface ServiceProcessOptions {
  /** The script, relative to `cwd` (e.g. `src/server.ts`). */
  entry: string;
  cwd: string;
  /** Set on top of the inherited environment (PORT, HOST and LOG_LEVEL have defaults). */
  env?: Record<string, string>;
  /** Inherited variables to leave out (e.g. NATS_URL, so that the service runs embedded). */
  unset?: string[];
  /** Inherit nothing but PATH. */
  isolated?: boolean;
  port?: number;
  readyTimeoutMs?: number;
}

export interface ServiceProcess {
  url: string;
  port: number;
  ready: Promise<void>;
  /** Everything the process wrote (stdout and stderr), for the failure message of a test. */
  output(): string;
  /** What it wrote to stderr only (the logs go to stdout): empty for a healthy service. */
  stderr(): string;
  /** SIGTERM, then the exit code (null when a signal ended it). */
  stop(): Promise<number | null>;
  /** SIGKILL, as in a crash. */
  kill(): Promise<void>;
}

export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  // Never Jest's NODE_OPTIONS (vm modules): the service runs as it would in production.
  const inherited: Record<string, string | undefined> = options.isolated
    ? { PATH: process.env.PATH }
    : { ...process.env, NODE_OPTIONS: undefined };
  for (const name of options.unset ?? []) delete inherited[name];
  delete inherited.NODE_OPTIONS;
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@scalegram/source', options.entry], {
    cwd: options.cwd,
    env: { ...inherited, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  async function waitUntilReady(): Promise<void> {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${options.entry} exited with ${child.exitCode}:\n${output}`);
      const response = await fetch(`${url}/readyz`).catch(() => undefined);
      await response?.body?.cancel();
      if (response?.status === 200) return;
      if (Date.now() > deadline) {
        // Nobody gets a handle on a process that never became ready: end it here.
        child.kill('SIGKILL');
        throw new Error(`${options.entry} did not become ready:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const ready = waitUntilReady();
  // The caller awaits `ready`; this keeps an early rejection from being reported as unhandled.
  ready.catch(() => {});
  return {
    url,
    port,
    ready,
    output: () => output,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
