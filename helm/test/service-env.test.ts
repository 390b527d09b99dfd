// The chart gives every deployable exactly the environment its config schema asks for: every required
// variable (no default) is set, no variable the schema does not know is set, and the whole environment
// passes the service's own loader (the values of chart-generated Secrets are read from the render;
// those of existing Secrets are stand-ins). The services are found under services/* at test time, so
// a service that lands later is checked as soon as the chart deploys it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { CHART, type K8sObject, ofKind, PROFILES, REPOSITORY, render, template } from './support/helm.ts';

interface ConfigSchema {
  properties: Record<string, { default?: unknown }>;
  required?: string[];
}

interface ConfigModule {
  schema: ConfigSchema;
  load: (env: NodeJS.ProcessEnv) => unknown;
}

const SERVICES = join(REPOSITORY, 'services');
const serviceDirectories = readdirSync(SERVICES).filter((name) => existsSync(join(SERVICES, name, 'package.json')));

/** The services/ directory of a chart deployable: its own, or the API's for a `-worker` sharing the image. */
function directoryOf(deployable: string): string | undefined {
  if (serviceDirectories.includes(deployable)) return deployable;
  const base = deployable.replace(/-worker$/, '');
  return serviceDirectories.includes(base) ? base : undefined;
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());
}

async function configModuleOf(deployable: string): Promise<ConfigModule> {
  const directory = directoryOf(deployable);
  if (directory === undefined) throw new Error(`no services/ directory for ${deployable}`);
  const { name } = JSON.parse(readFileSync(join(SERVICES, directory, 'package.json'), 'utf8')) as { name: string };
  const module = (await import(`${name}/config`)) as Record<string, unknown>;
  // feed-worker → FeedWorkerConfigSchema when the package has one, else the package's own schema.
  const own = pascal(deployable);
  const shared = pascal(directory);
  const schema = (module[`${own}ConfigSchema`] ?? module[`${shared}ConfigSchema`]) as ConfigSchema | undefined;
  const load = (module[`load${own}Config`] ?? module[`load${shared}Config`]) as ConfigModule['load'] | undefined;
  if (schema === undefined || load === undefined) {
    throw new Error(`${name}/config exports neither ${own}ConfigSchema/load${own}Config nor ${shared}ConfigSchema`);
  }
  return { schema, load };
}

/** The environment a workload's container gets: its ConfigMap, then its env entries. */
function environmentOf(objects: readonly K8sObject[], workload: K8sObject): Map<string, string> {
  const container = workload.spec.template.spec.containers[0];
  const env = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const map = ofKind(objects, 'ConfigMap').find((candidate) => candidate.metadata.name === source.configMapRef?.name);
    expect(map).toBeDefined();
    for (const [key, value] of Object.entries(map?.data ?? {})) env.set(key, String(value));
  }
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) {
      env.set(entry.name, String(entry.value));
      continue;
    }
    const ref = entry.valueFrom?.secretKeyRef;
    expect({ variable: entry.name, fromSecret: ref !== undefined }).toEqual({ variable: entry.name, fromSecret: true });
    const secret = ofKind(objects, 'Secret').find((candidate) => candidate.metadata.name === ref.name);
    // A Secret the operator creates: stand in with a value of a plausible shape.
    const standIn = entry.name.endsWith('_URL') ? 'redis://stand-in:6379' : `stand-in-${'x'.repeat(40)}`;
    env.set(entry.name, secret?.stringData?.[ref.key] ?? standIn);
  }
  return env;
}

test('the chart deploys every service that has a Dockerfile', () => {
  const deployed = new Set(
    ofKind(render('default'), 'Deployment').map((d) => d.metadata.labels?.['app.kubernetes.io/name']),
  );
  const withImage = serviceDirectories.filter((name) => existsSync(join(SERVICES, name, 'Dockerfile')));
  expect(withImage.filter((name) => !deployed.has(name))).toEqual([]);
});

describe.each(PROFILES)('the %s profile', (profile) => {
  const objects = render(profile);
  const deployments = ofKind(objects, 'Deployment');

  test.each(
    deployments.map((deployment): [string, K8sObject] => [
      deployment.metadata.labels?.['app.kubernetes.io/name'] ?? '',
      deployment,
    ]),
  )(
    '%s gets every variable its schema requires and none it does not know, and its loader accepts them',
    async (name, deployment) => {
      const { schema, load } = await configModuleOf(name);
      const env = environmentOf(objects, deployment);
      const known = Object.keys(schema.properties);
      expect([...env.keys()].filter((key) => !known.includes(key))).toEqual([]);
      const required = (schema.required ?? []).filter((key) => schema.properties[key]?.default === undefined);
      expect(required.filter((key) => !env.has(key))).toEqual([]);
      expect(() => load(Object.fromEntries(env))).not.toThrow();
      // The container listens where the chart's probes and Service look.
      expect(env.get('PORT')).toBe('3000');
    },
  );

  test('each migration Job gets the same variables as its service', () => {
    for (const job of ofKind(objects, 'Job').filter((candidate) => candidate.metadata.name.endsWith('-migrations'))) {
      const service = job.metadata.labels?.['app.kubernetes.io/name']?.replace(/-migrations$/, '');
      const deployment = deployments.find((d) => d.metadata.labels?.['app.kubernetes.io/name'] === service);
      expect(deployment).toBeDefined();
      const fromService = environmentOf(objects, deployment!);
      const fromJob = new Map<string, string>();
      for (const entry of job.spec.template.spec.containers[0].env)
        fromJob.set(entry.name, JSON.stringify(entry.value ?? entry.valueFrom));
      const ignored = ['PORT', 'SHUTDOWN_TIMEOUT_MS'];
      expect([...fromJob.keys()].sort()).toEqual(
        [...fromService.keys()].filter((key) => !ignored.includes(key)).sort(),
      );
    }
  });
});

test('the search re-index Job gets what the re-index loader requires, from the same Secret auth registers', async () => {
  const objects = template(['--set', 'services.search.reindex.enabled=true']);
  const job = ofKind(objects, 'Job').find((candidate) => candidate.metadata.name === 'scalegram-search-reindex');
  expect(job?.spec.template.spec.containers[0].command).toEqual(['node', 'dist/reindex.js']);
  const env = environmentOf(objects, job!);
  const { loadReindexConfig } = (await import('@scalegram/search-service/config')) as {
    loadReindexConfig: (env: NodeJS.ProcessEnv) => { SERVICE_CLIENT_ID: string; SERVICE_CLIENT_SECRET: string };
  };
  const config = loadReindexConfig(Object.fromEntries(env));
  // auth's registry holds the digest of exactly this client's secret, with the scope the re-index uses.
  const auth = ofKind(objects, 'Deployment').find((deployment) => deployment.metadata.name === 'scalegram-auth')!;
  const registry = JSON.parse(environmentOf(objects, auth).get('SERVICE_CLIENTS')!);
  const { createHash } = await import('node:crypto');
  expect(registry[config.SERVICE_CLIENT_ID]).toEqual({
    secretSha256: createHash('sha256').update(config.SERVICE_CLIENT_SECRET).digest('hex'),
    scopes: ['posts:read'],
  });
});

test('the skaffold loadtest profile only sets variables the gateway and auth know, with values they accept', async () => {
  const skaffold = parse(readFileSync(join(REPOSITORY, 'skaffold.yaml'), 'utf8'));
  const profile = skaffold.profiles.find((candidate: { name: string }) => candidate.name === 'loadtest');
  const patch = profile.patches.find((candidate: { path: string }) => candidate.path.endsWith('/setValues'));
  const sets = Object.entries(patch.value as Record<string, string>).flatMap(([key, value]) => [
    '--set-string',
    `${key}=${value}`,
  ]);
  const objects = template(['-f', join(CHART, 'values-dev.yaml'), ...sets]);
  for (const name of ['gateway', 'auth']) {
    const deployment = ofKind(objects, 'Deployment').find((d) => d.metadata.name === `scalegram-${name}`)!;
    const { schema, load } = await configModuleOf(name);
    const env = environmentOf(objects, deployment);
    expect([...env.keys()].filter((key) => !(key in schema.properties))).toEqual([]);
    expect(() => load(Object.fromEntries(env))).not.toThrow();
  }
  const gateway = ofKind(objects, 'ConfigMap').find((map) => map.metadata.name === 'scalegram-gateway');
  expect(gateway?.data.RATE_LIMIT_ENABLED).toBe('false');
});

test('a variable a service does not know is caught (the check is real)', async () => {
  const objects = template(['--set', 'services.post.env.POST_DATABSE_POOL_MAX=5']);
  const deployment = ofKind(objects, 'Deployment').find((d) => d.metadata.name === 'scalegram-post')!;
  const { schema } = await configModuleOf('post');
  const env = environmentOf(objects, deployment);
  expect([...env.keys()].filter((key) => !(key in schema.properties))).toEqual(['POST_DATABSE_POOL_MAX']);
});

test("each migration Job's script calls functions its service's package really exports", async () => {
  for (const job of ofKind(render('default'), 'Job').filter((candidate) =>
    candidate.metadata.name.endsWith('-migrations'),
  )) {
    const service = job.metadata.labels?.['app.kubernetes.io/name']?.replace(/-migrations$/, '') ?? '';
    const script: string = job.spec.template.spec.containers[0].command.join('\n');
    const load = /\{ (load\w+Config) \} = await import\('\/app\/dist\/config\.js'\)/.exec(script)?.[1];
    const start = /\{ (start\w+Service) \} = await import\('\/app\/dist\/service\.js'\)/.exec(script)?.[1];
    const { name, exports } = JSON.parse(
      readFileSync(join(SERVICES, directoryOf(service)!, 'package.json'), 'utf8'),
    ) as {
      name: string;
      exports: Record<string, { default: string }>;
    };
    // The image is the package deployed at /app (services/*/Dockerfile): its built exports are there.
    expect([exports['./config']?.default, exports['./service']?.default]).toEqual([
      './dist/config.js',
      './dist/service.js',
    ]);
    const config = (await import(`${name}/config`)) as Record<string, unknown>;
    const assembly = (await import(`${name}/service`)) as Record<string, unknown>;
    expect([service, typeof config[load ?? ''], typeof assembly[start ?? '']]).toEqual([
      service,
      'function',
      'function',
    ]);
  }
});

test('every deployable that provisions streams replicates them on the NATS cluster of the prod profile, and only there', () => {
  const streamReplicas = (profile: (typeof PROFILES)[number]) => {
    const objects = render(profile);
    const values = new Set<string>();
    for (const workload of ofKind(objects, 'Deployment')) {
      const env = environmentOf(objects, workload);
      if (env.has('NATS_URL')) values.add(env.get('NATS_STREAM_REPLICAS') ?? 'unset');
    }
    return [...values];
  };
  expect(streamReplicas('prod')).toEqual(['3']);
  expect(streamReplicas('dev')).toEqual(['1']);
  expect(streamReplicas('default')).toEqual(['1']);
});

test('the namespace value reaches every deployable and names the bucket, unless the bucket is set', () => {
  const objects = template(['--set', 'namespace=team-b']);
  const workloads = [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')];
  expect(workloads.length).toBeGreaterThan(0);
  for (const workload of workloads) {
    expect({ workload: workload.metadata.name, NAMESPACE: environmentOf(objects, workload).get('NAMESPACE') }).toEqual({
      workload: workload.metadata.name,
      NAMESPACE: 'team-b',
    });
  }
  const media = ofKind(objects, 'Deployment').find((d) => d.metadata.labels?.['app.kubernetes.io/name'] === 'media');
  // No S3_BUCKET: the service names it `<namespace>-media` itself.
  expect(media && environmentOf(objects, media).get('S3_BUCKET')).toBeUndefined();
  const named = template(['--set', 'minio.bucket=photos']);
  const namedMedia = ofKind(named, 'Deployment').find((d) => d.metadata.labels?.['app.kubernetes.io/name'] === 'media');
  expect(namedMedia && environmentOf(named, namedMedia).get('S3_BUCKET')).toBe('photos');
});
