// `helm lint --strict` of the chart with each values profile, and its NOTES.txt rendered.
import { expect, test } from '@jest/globals';
import { CHART, helm, PROFILES, profileArgs } from './support/helm.ts';

test.each(PROFILES)('helm lint --strict passes with the %s profile', (profile) => {
  const result = helm(['lint', '--strict', CHART, ...profileArgs(profile)]);
  expect(result.stderr + result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  expect(result.status).toBe(0);
});

test.each(PROFILES)('NOTES.txt renders with the %s profile (helm install --dry-run=client, no cluster)', (profile) => {
  const result = helm([
    'install',
    'scalegram',
    CHART,
    '--namespace',
    'scalegram',
    '--dry-run=client',
    ...profileArgs(profile),
  ]);
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/NOTES:\nScalegram .* is deployed as release "scalegram" in namespace "scalegram"/);
});
