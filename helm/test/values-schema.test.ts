// values.schema.json rejects bad values (helm template fails with the schema's message), and the chart
// README documents every value that values.yaml sets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { CHART, helm } from './support/helm.ts';

function templateWith(args: readonly string[]) {
  return helm(['template', 'scalegram', CHART, ...args]);
}

test.each([
  ['image.tag=latest', /image\/tag/],
  ['services.gatway.replicas=2', /additional properties 'gatway' not allowed/],
  ['defaults.replicas=-1', /defaults\/replicas/],
  ['defaults.autoscaling.targetCPUUtilizationPercentage=150', /targetCPUUtilizationPercentage/],
  ['defaults.resources.limits.memory=lots', /memory/],
  ['logLevel=loud', /logLevel/],
  ['namespace=Team_B', /namespace/],
  ['namespace=a-', /namespace/],
  ['nats.replicas=2', /nats\/replicas/],
  ['postgres.databases.post.shards=0', /shards/],
  ['postgres.image.tag=latest', /postgres\/image\/tag/],
  ['ingress.host=Not_A_Host', /ingress\/host/],
  ['minio.bucket=A', /minio\/bucket/],
  ['image.pullPolicy=Sometimes', /pullPolicy/],
  ['services.post.env.lowercase=1', /lowercase/],
  ['networkPolicy.externalStores[0].cidr=everywhere', /cidr/],
])('--set %s is refused by the values schema', (assignment, message) => {
  const result = templateWith(['--set', assignment]);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
  expect(result.stderr).toMatch(message);
});

test.each([
  [['--set', 'services.auth.replicas=2'], /signingKeys.existingSecret is required/],
  [
    ['--set', 'postgres.databases.auth.external.enabled=true'],
    /postgres.databases.auth.external.existingSecret is required/,
  ],
  [['--set', 'nats.external.enabled=true'], /nats.external.url is required/],
  [['--set', 'minio.external.enabled=true'], /minio.external.endpoint is required/],
])('%j fails with a message naming the missing value', (args, message) => {
  const result = templateWith(args);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(message);
});

test('the defaults and a plausible override pass', () => {
  expect(templateWith(['--set', 'services.post.env.POST_DATABASE_POOL_MAX=20']).status).toBe(0);
});

/** Every leaf path of a values file (lists and empty maps count as leaves). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) {
    return [prefix];
  }
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

test('the chart README documents every value of values.yaml', () => {
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
  const readme = readFileSync(join(CHART, 'README.md'), 'utf8');
  const documented = new Set([...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]));
  // services.<name>.* keys are documented once, under services.<name> and `defaults.*`.
  const missing = leafPaths(values).filter((path) => {
    if (documented.has(path)) return false;
    const parts = path.split('.');
    for (let length = parts.length - 1; length > 0; length--) {
      if (documented.has(parts.slice(0, length).join('.'))) return false;
    }
    return true;
  });
  expect(missing).toEqual([]);
});
