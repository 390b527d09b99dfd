// The ceiling scenario: GET / on the bare Fastify server started by ceiling.ts. It does the least work
// an HTTP request can do on this machine, so its figures are the yardstick every other scenario is
// divided by.
import type { Scenario } from '../scenario.ts';

export const CEILING_PATH = '/';

export const ceilingScenario: Scenario = {
  name: 'ceiling',
  description: 'GET / on a bare Fastify server in a child process (one static JSON route)',
  nextRequest: () => ({ method: 'GET', path: CEILING_PATH, expectedStatuses: [200] }),
};
