// Local-infrastructure mode: every deployable as its own Node process against the real PostgreSQL,
// Redis and NATS, under one supervisor — prefixed, coloured logs; several replicas of a deployable on
// request (two feed workers compete for one queue; two notification replicas behind the gateway's
// round-robin); a crashed process is restarted with back-off, as a Deployment would — except one that
// exits 78 (a configuration problem, kit's start-or-exit.ts), which would only fail again: that stops
// the start with its one clear error. Ctrl-C stops the gateway first, then everything else, each with
// SIGTERM (the services' own graceful shutdown); during start-up too.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EXIT_CONFIGURATION } from '@scalegram/kit/start-or-exit';
import { colourFor, formatLogLine, prefix } from './log-line.ts';
import { type Deployable, environmentAmong, type SystemPlan } from './system-plan.ts';
import { waitForAllReady } from './wait-for-ready.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where each deployable's entry point lives (feed's API and worker share one package). */
export const ENTRY_POINTS: Readonly<Record<Deployable, string>> = {
  auth: 'services/auth/src/server.ts',
  user: 'services/user/src/server.ts',
  post: 'services/post/src/server.ts',
  media: 'services/media/src/server.ts',
  'media-worker': 'services/media-worker/src/server.ts',
  feed: 'services/feed/src/server.ts',
  'feed-worker': 'services/feed/src/worker.ts',
  search: 'services/search/src/server.ts',
  notification: 'services/notification/src/server.ts',
  gateway: 'services/gateway/src/server.ts',
};

/** Replica r of a deployable listens `r × 100` above the deployable's port (feed: 3006, 3106, ...). */
export function replicaPort(plan: SystemPlan, deployable: Deployable, replica: number): number {
  return plan.ports[deployable] + replica * 100;
}

export interface Instance {
  deployable: Deployable;
  replica: number;
  name: string;
  env: Record<string, string>;
}

/**
 * One instance per replica, with its environment. The gateway gets every replica of a service as a
 * comma-separated upstream list (it balances round-robin); service-to-service calls use replica 0.
 */
export function planInstances(
  plan: SystemPlan,
  deployables: readonly Deployable[],
  replicas: Partial<Record<Deployable, number>>,
): Instance[] {
  const instances: Instance[] = [];
  for (const deployable of deployables) {
    const count = replicas[deployable] ?? 1;
    for (let replica = 0; replica < count; replica += 1) {
      const env = environmentAmong(deployable, plan, deployables, replicas);
      env.PORT = String(replicaPort(plan, deployable, replica));
      instances.push({ deployable, replica, name: count > 1 ? `${deployable}#${replica + 1}` : deployable, env });
    }
  }
  return instances;
}

/** The variables a child inherits from the supervisor; everything else comes from the plan. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'USER', 'NODE_EXTRA_CA_CERTS'];

export interface LocalSystemOptions {
  plan: SystemPlan;
  deployables: readonly Deployable[];
  replicas?: Partial<Record<Deployable, number>>;
  /** Where formatted log lines go (default: stdout). */
  write?: (line: string) => void;
  colour?: boolean;
  /** How long the services may take to become ready before the gateway starts (default 120 s). */
  readyTimeoutMs?: number;
  /** Aborting it during start-up stops every process started so far; the start then rejects. */
  signal?: AbortSignal;
  /** A process exited with a configuration problem after start-up (it is not restarted). */
  onFatal?: (error: Error) => void;
}

export interface Supervisor {
  instances: readonly Instance[];
  gatewayUrl: string;
  /** Every instance's `/readyz`: the system is ready when all of them answer 200, not only the gateway. */
  readinessUrls: readonly string[];
  stop(): Promise<void>;
  /** Restarts the gateway process with the environment `plan` gives it (SIGTERM, then a new process). */
  restartGateway(plan: SystemPlan): Promise<void>;
}

/**
 * Starts every service and worker, waits until each answers `/readyz`, then starts the gateway — so the
 * gateway never meets an upstream that is still booting (and never opens a circuit breaker on one).
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<Supervisor> {
  const { plan } = options;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const instances = planInstances(plan, options.deployables, options.replicas ?? {});
  const width = Math.max(...instances.map((instance) => instance.name.length));
  const children = new Map<Instance, ChildProcess>();
  let stopping = false;
  // While the supervisor itself restarts a process, its exit is expected: no automatic restart.
  let restarting = false;
  let started = false;
  let failStart: (error: Error) => void = () => undefined;
  const startFailed = new Promise<never>((_, reject) => {
    failStart = reject;
  });
  startFailed.catch(() => undefined); // observed below, or irrelevant once started
  const onAbort = () => failStart(new Error('start-up interrupted'));
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const launch = (instance: Instance, index: number, restarts: number) => {
    const label = prefix(instance.name, width, options.colour === false ? undefined : colourFor(index));
    const env: Record<string, string> = { ...instance.env };
    for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name] as string;
    const child = spawn(process.execPath, ['--conditions=@scalegram/source', ENTRY_POINTS[instance.deployable]], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(instance, child);
    let lastLine = '';
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lastLine = formatLogLine(line);
        write(`${label} ${lastLine}`);
      });
    }
    const startedAt = Date.now();
    // 'close', not 'exit': its output is read to the end, so the last line is the one that explains it.
    child.on('close', (code, signal) => {
      children.delete(instance);
      if (stopping || restarting) return;
      if (code === EXIT_CONFIGURATION) {
        // Its last line says what is wrong; restarting would only say it again, forever.
        const reason = lastLine.replace(/^\d\d:\d\d:\d\d FATAL +/, '') || 'a configuration problem';
        const error = new Error(
          `${instance.name} ${reason.startsWith('cannot start') ? reason : `cannot start: ${reason}`}`,
        );
        write(`${label} exited with a configuration problem; not restarting it`);
        if (started) options.onFatal?.(error);
        else failStart(error);
        return;
      }
      // A process that ran for a while gets a fresh back-off; one that dies at once backs off further.
      const attempt = Date.now() - startedAt > 30_000 ? 0 : restarts + 1;
      const delayMs = Math.min(30_000, 500 * 2 ** attempt);
      write(`${label} exited (${signal ?? code}); restarting in ${delayMs} ms`);
      setTimeout(() => {
        if (!stopping) launch(instance, index, attempt);
      }, delayMs).unref();
    });
  };

  const readinessOf = (instance: Instance) => `http://127.0.0.1:${instance.env.PORT}/readyz`;
  const backends = instances.filter((instance) => instance.deployable !== 'gateway');
  for (const [index, instance] of instances.entries())
    if (instance.deployable !== 'gateway') launch(instance, index, 0);

  const terminate = (selected: Instance[]) =>
    Promise.all(
      selected.map(
        (instance) =>
          new Promise<void>((resolve) => {
            const child = children.get(instance);
            if (child === undefined || child.exitCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('close', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );

  const supervisor: Supervisor = {
    instances,
    gatewayUrl: `http://127.0.0.1:${plan.ports.gateway}`,
    readinessUrls: instances.map(readinessOf),
    async restartGateway(next) {
      const gateways = instances.filter((instance) => instance.deployable === 'gateway');
      restarting = true;
      try {
        await terminate(gateways);
      } finally {
        restarting = false;
      }
      for (const instance of gateways) {
        instance.env = environmentAmong('gateway', next, options.deployables, options.replicas ?? {});
        launch(instance, instances.indexOf(instance), 0);
      }
    },
    async stop() {
      stopping = true;
      await terminate(instances.filter((instance) => instance.deployable === 'gateway'));
      await terminate(instances.filter((instance) => instance.deployable !== 'gateway'));
    },
  };

  try {
    if (options.signal?.aborted) onAbort();
    await Promise.race([waitForAllReady(backends.map(readinessOf), options.readyTimeoutMs ?? 120_000), startFailed]);
    for (const [index, instance] of instances.entries())
      if (instance.deployable === 'gateway') launch(instance, index, 0);
  } catch (error) {
    await supervisor.stop();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  // From here on, a configuration failure (the gateway's included) goes to onFatal.
  started = true;
  return supervisor;
}
