// `helm lint --strict` of the chart with each values profile.
import { expect, test } from '@jest/globals';
import { CHART, helm, PROFILES, profileArgs } from './support/helm.ts';

test.each(PROFILES)('helm lint --strict passes with the %s profile', (profile) => {
  const result = helm(['lint', '--strict', CHART, ...profileArgs(profile)]);
  expect(result.stderr + result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  expect(result.status).toBe(0);
});
