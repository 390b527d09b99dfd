// Scenarios the CLI can run by name. The social-network scenarios (compose-post, read-home-timeline,
// read-user-timeline, mixed, follow-churn, media-upload, login) register here as the services land.
import type { PreparedScenario, Scenario, ScenarioContext } from '../scenario.ts';
import { prepareScenario } from '../scenario.ts';
import { ceilingScenario } from './ceiling-scenario.ts';
import { httpGetScenario } from './http-get.ts';

export interface ScenarioOptions {
  /** The request path (http-get); defaults to the target URL's own path. */
  path?: string;
  expectedStatuses?: readonly number[];
}

type Factory = (options: ScenarioOptions) => Scenario;

const factories: Record<string, Factory> = {
  ceiling: () => ceilingScenario,
  'http-get': (options) => httpGetScenario({ path: options.path ?? '/', expectedStatuses: options.expectedStatuses }),
};

export const scenarioNames = (): string[] => Object.keys(factories);

export async function prepareNamedScenario(
  name: string,
  options: ScenarioOptions,
  context: ScenarioContext,
): Promise<PreparedScenario> {
  const factory = factories[name];
  if (!factory) throw new RangeError(`unknown scenario "${name}"; known: ${scenarioNames().join(', ')}`);
  return prepareScenario(factory(options), context);
}
