// A private server process (redis-server, nats-server) for the tests that stop, kill, stall or flush
// a server: those must never touch the shared ones. It runs on a port of its own, can be restarted on
// the same port (and the same store directory), and is ready when its log says so.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface ProcessSpec {
  /** For error messages. */
  what: string;
  command: string;
  args: string[];
  /** Seen on stdout or stderr once the server accepts connections. */
  ready: RegExp;
  timeoutMs?: number;
}

export interface PrivateProcess {
  readonly port: number;
  readonly url: string;
  /** (Re)starts the server on the same port and waits until it is ready. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server stays connected but answers nothing, as in a stall or a partition. */
  pause(): void;
  resume(): void;
  /** SIGKILL: the server vanishes mid-flight, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void>;
}

export async function launch(spec: ProcessSpec): Promise<ChildProcess> {
  const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${spec.what} did not start: ${log}`)), spec.timeoutMs ?? 15_000);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (spec.ready.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${spec.what} exited early (${code}): ${log}`));
      });
    });
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
  child.removeAllListeners('exit');
  // Keep draining the pipes so a chatty server never blocks on a full one.
  child.stdout?.removeAllListeners('data').resume();
  child.stderr?.removeAllListeners('data').resume();
  return child;
}

async function end(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  if (signal !== 'SIGKILL') child.kill('SIGCONT');
  child.kill(signal);
  await exited;
}

/** Starts `spec(port)` on `port` and returns its handle; `url` is the client's address of it. */
export async function startPrivateProcess(port: number, url: string, spec: () => ProcessSpec): Promise<PrivateProcess> {
  let child: ChildProcess | undefined = await launch(spec());
  return {
    port,
    url,
    async start() {
      await end(child, 'SIGKILL');
      child = await launch(spec());
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    kill: async () => {
      await end(child, 'SIGKILL');
      child = undefined;
    },
    stop: async () => {
      await end(child, 'SIGTERM');
      child = undefined;
    },
  };
}
