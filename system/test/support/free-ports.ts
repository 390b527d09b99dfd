// Ports nobody listens on right now, one per deployable, so a test system never collides with a running
// `npm start` (or another test). The window between closing and reusing a port is a known, accepted race.
import { freePorts as distinctFreePorts } from '@scalegram/test-support/free-port';
import { DEPLOYABLES, type Deployable } from '../../src/system-plan.ts';

/** One free port per deployable. */
export async function freePorts(): Promise<Record<Deployable, number>> {
  const ports = await distinctFreePorts(DEPLOYABLES.length);
  return Object.fromEntries(DEPLOYABLES.map((deployable, index) => [deployable, ports[index] as number])) as Record<
    Deployable,
    number
  >;
}
