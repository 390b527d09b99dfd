// Scenarios the CLI can run by name: the yardstick (`ceiling`), the generic `http-get`, and the social
// network scenarios, which run as seeded users (their population comes from `options.population`).
import type { PreparedScenario, Scenario, ScenarioContext } from '../scenario.ts';
import { prepareScenario } from '../scenario.ts';
import { ceilingScenario } from './ceiling-scenario.ts';
import { httpGetScenario } from './http-get.ts';
import {
  composePostScenario,
  followChurnScenario,
  loginScenario,
  mediaUploadScenario,
  mixedScenario,
  type PopulationSource,
  readHomeTimelineScenario,
  readUserTimelineScenario,
} from './social/social-scenarios.ts';

export interface ScenarioOptions {
  /** The request path (http-get); defaults to the target URL's own path. */
  path?: string;
  expectedStatuses?: readonly number[];
  /** Where the social scenarios get their seeded users (loaded from the seed state, or seeded). */
  population?: PopulationSource;
}

// Each entry prepares its scenario itself, so scenarios with different setup-state types can share the table.
type Factory = (options: ScenarioOptions, context: ScenarioContext) => Promise<PreparedScenario>;

const social =
  <S>(make: (source: PopulationSource) => Scenario<S>): Factory =>
  (options, context) => {
    const source = options.population;
    if (!source) throw new RangeError('the social scenarios need a population (a --graph to seed or reuse)');
    return prepareScenario(make(source), context);
  };

const factories: Record<string, Factory> = {
  ceiling: (_options, context) => prepareScenario(ceilingScenario, context),
  'http-get': (options, context) =>
    prepareScenario(
      httpGetScenario({ path: options.path ?? '/', expectedStatuses: options.expectedStatuses }),
      context,
    ),
  'compose-post': social(composePostScenario),
  'read-home-timeline': social(readHomeTimelineScenario),
  'read-user-timeline': social(readUserTimelineScenario),
  mixed: social(mixedScenario),
  'follow-churn': social(followChurnScenario),
  'media-upload': social(mediaUploadScenario),
  login: social(loginScenario),
};

/** The scenarios that run as seeded users of a social graph. */
export const SOCIAL_SCENARIOS: readonly string[] = [
  'compose-post',
  'read-home-timeline',
  'read-user-timeline',
  'mixed',
  'follow-churn',
  'media-upload',
  'login',
];

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
