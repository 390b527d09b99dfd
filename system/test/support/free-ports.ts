// Ports nobody listens on right now, so a test system never collides with a running `npm start`
// (or another test). The window between closing and reusing a port is a known, accepted race.
import { createServer } from 'node:net';
import { DEPLOYABLES, type Deployable } from '../../src/system-plan.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** One free port per deployable. */
export async function freePorts(): Promise<Record<Deployable, number>> {
  const ports = {} as Record<Deployable, number>;
  const taken = new Set<number>();
  for (const deployable of DEPLOYABLES) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[deployable] = port;
  }
  return ports;
}
