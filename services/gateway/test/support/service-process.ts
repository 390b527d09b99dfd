// Runs a real Scalegram service as a child process for end-to-end tests, and a scratch Postgres
// database for it (created with psql, dropped afterwards).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A port nothing listens on right now (bound and released; the child binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function psql(sql: string): void {
  execFileSync('psql', [POSTGRES_URL, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: 'pipe' });
}

/** Creates a database and returns its URL. */
export function createDatabase(name: string): string {
  psql(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export function dropDatabase(name: string): void {
  psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

export interface ServiceProcess {
  url: string;
  /** Resolves once /readyz answers 200; rejects if the process exits first or takes over a minute. */
  ready: Promise<void>;
  /** Everything the process wrote, for the failure message of a test. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `services/<name>/src/server.ts`. Returns at once, so the caller can always stop what it
 * started; `ready` resolves once /readyz answers 200, and rejects if the process exits first.
 */
export function startService(name: string, port: number, env: Record<string, string>): ServiceProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@scalegram/source', `services/${name}/src/server.ts`],
    {
      cwd: REPO_ROOT,
      // Not Jest's NODE_OPTIONS (vm modules): the service runs as it would in production.
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  async function waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
      try {
        const response = await fetch(`${url}/readyz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${name} did not become ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  return {
    url,
    ready: waitUntilReady(),
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
