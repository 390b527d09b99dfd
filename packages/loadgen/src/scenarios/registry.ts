// Scenarios the CLI can run by name. The social-network scenarios (compose-post, read-home-timeline,
// read-user-timeline, mixed, follow-churn, media-upload, login) register here as the services land.
import type { PreparedScenario, ScenarioContext } from '../scenario.ts';
import { prepareScenario } from '../scenario.ts';
import { ceilingScenario } from './ceiling-scenario.ts';
import { httpGetScenario } from './http-get.ts';

export interface ScenarioOptions {
  /** The request path (http-get); defaults to the target URL's own path. */
  path?: string;
  expectedStatuses?: readonly number[];
}

// Each entry prepares its scenario itself, so scenarios with different setup-state types can share the table.
type Factory = (options: ScenarioOptions, context: ScenarioContext) => Promise<PreparedScenario>;

const factories: Record<string, Factory> = {
  ceiling: (_options, context) => prepareScenario(ceilingScenario, context),
  'http-get': (options, context) =>
    prepareScenario(
      httpGetScenario({ path: options.path ?? '/', expectedStatuses: options.expectedStatuses }),
      context,
    ),
};

export const scenarioNames = (): string[] => Object.keys(factories);

export async function prepareNamedScenario(
  name: string,
  options: ScenarioOptions,
  context: ScenarioContext,
): Promise<PreparedScenario> {
  const factory = factories[name];
  if (!factory) throw new RangeError(`unknown scenario "${name}"; known: ${scenarioNames().join(', ')}`);
  return factory(options, context);
}
