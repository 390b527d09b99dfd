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
  /** What kind of request this is (e.g. `read-home-timeline` in the mix); the report breaks figures down by it. */
  label?: string;
}

/** One HTTP exchange inside an operation: a path on the target, or an absolute URL (e.g. a presigned upload). */
export interface OperationRequest {
  method: HttpMethod;
  /** Relative to the target's base URL, or absolute (another origin is reached through a separate client). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface OperationResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** How an operation sends its requests; transport failures reject (and are classified like single requests). */
export interface OperationClient {
  request(request: OperationRequest): Promise<OperationResponse>;
}

/** What an operation reports: success, or the error kind to count (e.g. `upload-http-403`). */
export type OperationOutcome = { ok: true; status: number } | { ok: false; status?: number; errorKind: string };

/**
 * Several requests timed as one user action (media upload: create → PUT the bytes → complete). The engine
 * holds one in-flight slot for the whole operation and measures latency from its intended start to the end
 * of its last request. Use for journeys whose steps depend on each other's answers.
 */
export interface OperationSpec {
  kind: 'operation';
  label?: string;
  run(client: OperationClient): Promise<OperationOutcome>;
}

/** What a scenario asks the engine to do next. */
export type Work = RequestSpec | OperationSpec;

export const isOperation = (work: Work): work is OperationSpec => 'kind' in work && work.kind === 'operation';

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
  nextRequest(user: number, state: S, rng: Rng): Work;
  /** How many users setup prepared, when the scenario brings its own population (e.g. the seeded graph). */
  userCount?(state: S): number;
  /** Releases what setup started (e.g. a token refresher); called once the run is over. */
  teardown?(state: S): Promise<void>;
}

/** A scenario after setup: what the engine calls for each request. */
export interface PreparedScenario {
  readonly name: string;
  readonly description: string;
  nextRequest(user: number, rng: Rng): Work;
  /** Set when the scenario knows its population (e.g. the seeded users): overrides the configured user count. */
  readonly users?: number;
  close(): Promise<void>;
}

/** Runs setup (if any) and closes over its state, so the engine never sees the state's type. */
export async function prepareScenario<S>(scenario: Scenario<S>, context: ScenarioContext): Promise<PreparedScenario> {
  const state = (scenario.setup ? await scenario.setup(context) : undefined) as S;
  return {
    name: scenario.name,
    description: scenario.description,
    nextRequest: (user, rng) => scenario.nextRequest(user, state, rng),
    ...(scenario.userCount ? { users: scenario.userCount(state) } : {}),
    close: async () => {
      await scenario.teardown?.(state);
    },
  };
}
