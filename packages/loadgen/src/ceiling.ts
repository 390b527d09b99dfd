// The same-run ceiling. The machines this project runs on are shared and noisy (the same benchmark minutes
// apart differs by up to 3×), so an absolute figure alone means little. Every run therefore also measures a
// bare Fastify endpoint on the same machine, with the same engine settings, and reports its own figures as
// ratios to it: "read-home-timeline sustains 0.12 × the bare-Fastify ceiling at 3.1 × its p99".
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface CeilingServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the bare Fastify server in a child process on an ephemeral loopback port. */
export async function startCeilingServer(): Promise<CeilingServer> {
  // From sources (node runs .ts directly) or from dist/ after a build: use the sibling with our own extension.
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = fileURLToPath(new URL(`./ceiling-server${extension}`, import.meta.url));
  // A clean Node: the parent's NODE_OPTIONS (Jest's --experimental-vm-modules) are not the server's business.
  const child = fork(entry, [], {
    env: { ...process.env, NODE_OPTIONS: '' },
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const port = await Promise.race([
    once(child, 'message').then(([message]) => (message as { port: number }).port),
    exited.then(([code]) => {
      throw new Error(`ceiling server exited before listening (code ${code})`);
    }),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
