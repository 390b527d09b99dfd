// Every object the chart renders, in every values profile, and every manifest under k8s/, is a valid
// Kubernetes object for its apiVersion/kind (kubernetes-models' schemas, Kubernetes 1.30+).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CHART, type K8sObject, PROFILES, parseManifests, REPOSITORY, render, template } from './support/helm.ts';
import { validateObject } from './support/validate.ts';

// Custom resources have no schema in kubernetes-models; their shape is checked in policies.test.ts.
const CUSTOM_RESOURCES = new Set(['keda.sh/v1alpha1']);

async function validateAll(objects: readonly K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    if (CUSTOM_RESOURCES.has(object.apiVersion)) continue;
    await validateObject(object).catch((error: Error) => problems.push(error.message));
  }
  return problems;
}

describe.each(PROFILES)('the %s profile', (profile) => {
  test('renders only objects that validate against the Kubernetes schemas', async () => {
    const objects = render(profile);
    expect(objects.length).toBeGreaterThan(30);
    expect(await validateAll(objects)).toEqual([]);
  });
});

test('the optional objects (KEDA, the search re-index, external stores, TLS) validate too', async () => {
  const objects = template([
    '-f',
    join(CHART, 'values-prod.yaml'),
    '--set',
    'keda.enabled=true',
    '--set',
    'services.search.reindex.enabled=true',
    '--set',
    'qdrant.external.enabled=true',
    '--set',
    'qdrant.external.url=https://qdrant.example.com:6333',
    '--set',
    'qdrant.external.existingSecret=qdrant',
    '--set',
    'networkPolicy.metricsNamespaceSelector.matchLabels.name=monitoring',
  ]);
  expect(objects.some((object) => object.kind === 'ScaledObject')).toBe(true);
  expect(await validateAll(objects)).toEqual([]);
});

test('every manifest under k8s/ validates against the Kubernetes schemas (the kind config aside)', async () => {
  const directory = join(REPOSITORY, 'k8s');
  const objects = readdirSync(directory)
    .filter((file) => file.endsWith('.yaml') && file !== 'kind.yaml')
    .flatMap((file) => parseManifests(readFileSync(join(directory, file), 'utf8')));
  expect(objects.map((object) => object.kind)).toEqual(expect.arrayContaining(['Namespace', 'Job', 'NetworkPolicy']));
  expect(await validateAll(objects)).toEqual([]);
});

test('a broken object is reported (the validation is real)', async () => {
  const [deployment] = render('default').filter((object) => object.kind === 'Deployment');
  const broken = structuredClone(deployment!);
  broken.spec.replicas = 'two';
  await expect(validateObject(broken)).rejects.toThrow(/replicas must be integer/);
});
