// What a load scenario is: a name, an optional setup run once before the measurement, and a function
// that produces the next request for a given user. The engine decides WHEN requests go out (the load
// shape) and WHICH user sends each one (uniform or Zipf); the scenario decides WHAT is sent.
import type { Rng } from './rng.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request to send. `path` is relative to the target's base URL and may carry a query string. */
export interface RequestSpec {
  method: HttpMethod;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Statuses that count as success; anything else is recorded as an error of kind `http-<status>`. */
  expectedStatuses: readonly number[];
}

export interface ScenarioContext {
  /** The target, e.g. http://127.0.0.1:8080/ (setup may call it directly, e.g. to register users). */
  baseUrl: URL;
  /** Seeded: setup that draws random data repeats exactly for the same --seed. */
  rng: Rng;
  /** How many users the run draws from (ids 0 … users − 1). */
  users: number;
}

/**
 * A scenario with per-run state `S` built by `setup` (tokens, post ids, per-user cursors…) and handed to
 * every `nextRequest` call. Scenarios without setup use `S = undefined`.
 */
export interface Scenario<S = undefined> {
  readonly name: string;
  readonly description: string;
  setup?(context: ScenarioContext): Promise<S>;
  nextRequest(user: number, state: S, rng: Rng): RequestSpec;
}

/** A scenario after setup: what the engine calls for each request. */
export interface PreparedScenario {
  readonly name: string;
  readonly description: string;
  nextRequest(user: number, rng: Rng): RequestSpec;
}

/** Runs setup (if any) and closes over its state, so the engine never sees the state's type. */
export async function prepareScenario<S>(scenario: Scenario<S>, context: ScenarioContext): Promise<PreparedScenario> {
  const state = (scenario.setup ? await scenario.setup(context) : undefined) as S;
  return {
    name: scenario.name,
    description: scenario.description,
    nextRequest: (user, rng) => scenario.nextRequest(user, state, rng),
  };
}
