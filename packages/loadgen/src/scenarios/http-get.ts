// The generic scenario: GET one path on the target. A `{user}` placeholder in the path is replaced with
// the drawn user id, so `/users/{user}/timeline` with Zipf selection gives a skewed read load.
import type { Scenario } from '../scenario.ts';

export interface HttpGetOptions {
  path: string;
  expectedStatuses?: readonly number[];
  headers?: Record<string, string>;
}

export function httpGetScenario(options: HttpGetOptions): Scenario {
  const expectedStatuses = options.expectedStatuses ?? [200];
  const perUser = options.path.includes('{user}');
  return {
    name: 'http-get',
    description: `GET ${options.path}, success = ${expectedStatuses.join('/')}`,
    nextRequest: (user) => ({
      method: 'GET',
      path: perUser ? options.path.replaceAll('{user}', String(user)) : options.path,
      headers: options.headers,
      expectedStatuses,
    }),
  };
}
