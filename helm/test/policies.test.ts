// Policy checks over the rendered chart: what every workload must have, whatever the profile.
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CHART, type K8sObject, ofKind, PROFILES, render, template } from './support/helm.ts';
import { matches, podTemplates } from './support/pods.ts';

function containersOf(object: K8sObject) {
  const spec = object.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

function configOf(objects: readonly K8sObject[], deployment: K8sObject): Record<string, string> {
  const name = deployment.spec.template.spec.containers[0].envFrom?.[0]?.configMapRef?.name;
  return ofKind(objects, 'ConfigMap').find((map) => map.metadata.name === name)?.data ?? {};
}

describe.each(PROFILES)('the %s profile', (profile) => {
  const objects = render(profile);
  const deployments = ofKind(objects, 'Deployment');
  const workloads = objects.filter((object) => ['Deployment', 'StatefulSet', 'Job'].includes(object.kind));

  test('runs every deployable', () => {
    const names = deployments.map((deployment) => deployment.metadata.labels?.['app.kubernetes.io/name']);
    expect(names).toEqual(
      expect.arrayContaining([
        'gateway',
        'auth',
        'user',
        'post',
        'media',
        'media-worker',
        'feed',
        'feed-worker',
        'search',
        'notification',
      ]),
    );
  });

  test('every Deployment has startup, liveness (/healthz) and readiness (/readyz) probes', () => {
    for (const deployment of deployments) {
      for (const container of deployment.spec.template.spec.containers) {
        expect({ [deployment.metadata.name]: container.startupProbe?.httpGet?.path }).toEqual({
          [deployment.metadata.name]: '/healthz',
        });
        expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
        expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      }
    }
  });

  test('every StatefulSet (the stores) has startup, liveness and readiness probes', () => {
    for (const set of ofKind(objects, 'StatefulSet')) {
      for (const container of set.spec.template.spec.containers) {
        expect([
          set.metadata.name,
          Boolean(container.startupProbe && container.livenessProbe && container.readinessProbe),
        ]).toEqual([set.metadata.name, true]);
      }
    }
  });

  test('every container has CPU and memory requests and limits', () => {
    for (const workload of workloads) {
      for (const container of containersOf(workload)) {
        const { requests, limits } = container.resources ?? {};
        expect(
          [workload.metadata.name, requests?.cpu, requests?.memory, limits?.cpu, limits?.memory].includes(undefined),
        ).toBe(false);
      }
    }
  });

  test('every pod runs hardened: non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp', () => {
    for (const workload of workloads) {
      const pod = workload.spec.template.spec;
      const where = `${workload.kind}/${workload.metadata.name}`;
      expect({ where, nonRoot: pod.securityContext?.runAsNonRoot, uid: pod.securityContext?.runAsUser > 0 }).toEqual({
        where,
        nonRoot: true,
        uid: true,
      });
      expect({ where, seccomp: pod.securityContext?.seccompProfile?.type }).toEqual({
        where,
        seccomp: 'RuntimeDefault',
      });
      expect(pod.hostNetwork ?? false).toBe(false);
      expect((pod.volumes ?? []).some((volume: { hostPath?: unknown }) => volume.hostPath !== undefined)).toBe(false);
      for (const container of containersOf(workload)) {
        const context = container.securityContext ?? {};
        expect({ where, context }).toEqual({
          where,
          context: expect.objectContaining({
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          }),
        });
      }
    }
  });

  test('termination grace covers the pre-stop sleep plus the service shutdown deadline', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const shutdownMs = Number(configOf(objects, deployment).SHUTDOWN_TIMEOUT_MS);
      const preStop = pod.containers[0].lifecycle?.preStop?.sleep?.seconds ?? 0;
      expect(shutdownMs).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + shutdownMs / 1000);
    }
  });

  test('no image is untagged or tagged latest', () => {
    for (const workload of workloads) {
      for (const container of containersOf(workload)) {
        expect(container.image).toMatch(/^[^:@]+(:[\w][\w.-]{0,127})(@sha256:[a-f0-9]{64})?$/);
        expect(container.image).not.toMatch(/:latest($|@)/);
      }
    }
  });

  test('every pod is selected by a NetworkPolicy of its own (beyond the default deny)', () => {
    const policies = ofKind(objects, 'NetworkPolicy');
    const own = policies.filter((policy) => !/-default-deny$|-allow-dns$/.test(policy.metadata.name));
    const deny = policies.find((policy) => policy.metadata.name === 'scalegram-default-deny');
    expect(deny?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny?.spec.ingress ?? []).toEqual([]);
    expect(deny?.spec.egress ?? []).toEqual([]);
    for (const pod of podTemplates(objects)) {
      expect([pod.owner, matches(deny?.spec.podSelector, pod.labels)]).toEqual([pod.owner, true]);
      expect([pod.owner, own.some((policy) => matches(policy.spec.podSelector, pod.labels))]).toEqual([
        pod.owner,
        true,
      ]);
    }
  });

  test('every Service selects pods that exist and targets a port they name', () => {
    const pods = podTemplates(objects);
    for (const service of ofKind(objects, 'Service')) {
      const selected = pods.filter((pod) => matches({ matchLabels: service.spec.selector }, pod.labels));
      expect([service.metadata.name, selected.length > 0]).toEqual([service.metadata.name, true]);
      for (const port of service.spec.ports) {
        if (typeof port.targetPort === 'string') {
          expect([service.metadata.name, selected.every((pod) => pod.ports.has(port.targetPort))]).toEqual([
            service.metadata.name,
            true,
          ]);
        }
      }
    }
  });

  test('every HPA targets a Deployment that exists, every PDB selects the pods of a Deployment or StatefulSet', () => {
    const names = new Set(deployments.map((deployment) => deployment.metadata.name));
    for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
      expect(names.has(hpa.spec.scaleTargetRef.name)).toBe(true);
    }
    const pods = podTemplates(objects).filter((pod) => !pod.owner.startsWith('Job/'));
    for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
      const selected = pods.some((pod) => matches(pdb.spec.selector, pod.labels));
      expect([pdb.metadata.name, selected]).toEqual([pdb.metadata.name, true]);
    }
  });

  test('every service with a database gets a migration Job hook running its own start-up (dev: none)', () => {
    const jobs = ofKind(objects, 'Job');
    if (profile === 'dev') {
      expect(jobs).toEqual([]);
      return;
    }
    for (const name of ['auth', 'user', 'post', 'media', 'notification']) {
      const job = jobs.find((candidate) => candidate.metadata.name === `scalegram-${name}-migrations`);
      expect(job?.metadata.annotations?.['helm.sh/hook']).toMatch(/pre-upgrade/);
      const script = job?.spec.template.spec.containers[0].command.join(' ');
      const pascal = name[0]!.toUpperCase() + name.slice(1);
      expect(script).toContain(`start${pascal}Service(load${pascal}Config())`);
    }
  });
});

test('production: every Deployment has an autoscaling/v2 HPA on CPU and memory with scale-down behaviour, and a PDB', () => {
  const objects = render('prod');
  const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
  const pdbs = ofKind(objects, 'PodDisruptionBudget');
  for (const deployment of ofKind(objects, 'Deployment')) {
    const hpa = hpas.find((candidate) => candidate.spec.scaleTargetRef.name === deployment.metadata.name);
    expect(hpa?.apiVersion).toBe('autoscaling/v2');
    expect(hpa?.spec.metrics.map((metric: { resource: { name: string } }) => metric.resource.name).sort()).toEqual([
      'cpu',
      'memory',
    ]);
    expect(hpa?.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThan(0);
    expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // The HPA owns the replica count.
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.template.spec.containers[0].image).toMatch(/^ghcr\.io\/scalegram\/[a-z-]+:0\.1\.0$/);
    const labels = deployment.spec.template.metadata.labels;
    expect(pdbs.some((pdb) => matches(pdb.spec.selector, labels))).toBe(true);
  }
});

test('production: a three-node NATS cluster, three post shards, each migrated by the post Job', () => {
  const objects = render('prod');
  const sets = ofKind(objects, 'StatefulSet');
  const nats = sets.find((set) => set.metadata.name === 'scalegram-nats');
  expect(nats?.spec.replicas).toBe(3);
  expect(ofKind(objects, 'PodDisruptionBudget').find((pdb) => pdb.metadata.name === 'scalegram-nats')?.spec).toEqual(
    expect.objectContaining({ maxUnavailable: 1 }),
  );
  const natsConfig = ofKind(objects, 'ConfigMap').find((map) => map.metadata.name === 'scalegram-nats')?.data[
    'nats.conf'
  ];
  expect(natsConfig.match(/nats:\/\/scalegram-nats-\d\.scalegram-nats-headless:6222/g)).toHaveLength(3);
  expect(sets.find((set) => set.metadata.name === 'scalegram-postgres-post')?.spec.replicas).toBe(3);
  const credentials = ofKind(objects, 'Secret').find(
    (secret) => secret.metadata.name === 'scalegram-store-credentials',
  );
  const urls = credentials?.stringData['postgres-post-url'].split(',');
  expect(urls).toHaveLength(3);
  expect(urls.map((url: string) => new URL(url).hostname)).toEqual(
    [0, 1, 2].map((shard) => `scalegram-postgres-post-${shard}.scalegram-postgres-post`),
  );
  const job = ofKind(objects, 'Job').find((candidate) => candidate.metadata.name === 'scalegram-post-migrations');
  expect(job?.spec.template.spec.containers[0].env).toContainEqual({
    name: 'POST_DATABASE_URLS',
    valueFrom: { secretKeyRef: { name: 'scalegram-store-credentials', key: 'postgres-post-url' } },
  });
});

test('development: one replica each, no HPA', () => {
  const objects = render('dev');
  expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  for (const deployment of ofKind(objects, 'Deployment')) expect(deployment.spec.replicas).toBe(1);
});

test('KEDA: a ScaledObject on the media worker consumer lag only when enabled, replacing its HPA', () => {
  expect(ofKind(render('prod'), 'ScaledObject')).toEqual([]);
  const objects = template(['-f', join(CHART, 'values-prod.yaml'), '--set', 'keda.enabled=true']);
  const [scaled] = ofKind(objects, 'ScaledObject');
  expect(scaled?.spec.scaleTargetRef.name).toBe('scalegram-media-worker');
  expect(scaled?.spec.triggers[0]).toEqual(
    expect.objectContaining({
      type: 'nats-jetstream',
      metadata: expect.objectContaining({ stream: 'MEDIA_JOBS', consumer: 'media-worker' }),
    }),
  );
  const hpas = ofKind(objects, 'HorizontalPodAutoscaler').map((hpa) => hpa.spec.scaleTargetRef.name);
  expect(hpas).not.toContain('scalegram-media-worker');
  expect(hpas).toContain('scalegram-post');
  expect(
    ofKind(objects, 'Deployment').find((d) => d.metadata.name === 'scalegram-media-worker')?.spec.replicas,
  ).toBeUndefined();
});

test('the Ingress: class and host from values, TLS only when enabled', () => {
  const [plain] = ofKind(template(['--set', 'ingress.className=traefik', '--set', 'ingress.host=sg.test']), 'Ingress');
  expect(plain?.spec.ingressClassName).toBe('traefik');
  expect(plain?.spec.rules[0].host).toBe('sg.test');
  expect(plain?.spec.tls).toBeUndefined();
  const [secure] = ofKind(render('prod'), 'Ingress');
  expect(secure?.spec.tls[0]).toEqual({
    hosts: ['scalegram.example.com', 'media.scalegram.example.com'],
    secretName: 'scalegram-tls',
  });
  expect(ofKind(template(['--set', 'ingress.enabled=false']), 'Ingress')).toEqual([]);
});

test('external stores: no in-cluster server, and the URLs come from the named Secrets', () => {
  const objects = template([
    '--set',
    'postgres.databases.auth.external.enabled=true',
    '--set',
    'postgres.databases.auth.external.existingSecret=auth-db',
    '--set',
    'postgres.databases.post.external.enabled=true',
    '--set',
    'postgres.databases.post.external.existingSecret=post-db',
    '--set',
    'redis.external.enabled=true',
    '--set',
    'redis.external.existingSecret=redis',
    '--set',
    'minio.external.enabled=true',
    '--set',
    'minio.external.endpoint=https://s3.eu-west-1.amazonaws.com',
    '--set',
    'minio.external.existingSecret=s3',
    '--set',
    'ingress.objectStoreHost=media.example.com',
  ]);
  const sets = ofKind(objects, 'StatefulSet').map((set) => set.metadata.name);
  expect(sets).not.toEqual(expect.arrayContaining(['scalegram-postgres-auth']));
  expect(sets).not.toContain('scalegram-postgres-post');
  expect(sets).not.toContain('scalegram-redis');
  expect(sets).not.toContain('scalegram-minio');
  expect(sets).toContain('scalegram-postgres-user');
  const env = (name: string) =>
    ofKind(objects, 'Deployment').find((d) => d.metadata.name === `scalegram-${name}`)?.spec.template.spec.containers[0]
      .env;
  expect(env('auth')).toContainEqual({
    name: 'DATABASE_URL',
    valueFrom: { secretKeyRef: { name: 'auth-db', key: 'DATABASE_URL' } },
  });
  expect(env('auth')).toContainEqual({
    name: 'REDIS_URL',
    valueFrom: { secretKeyRef: { name: 'redis', key: 'REDIS_URL' } },
  });
  expect(env('post')).toContainEqual({
    name: 'POST_DATABASE_URLS',
    valueFrom: { secretKeyRef: { name: 'post-db', key: 'POST_DATABASE_URLS' } },
  });
  expect(env('media')).toContainEqual({
    name: 'S3_ACCESS_KEY',
    valueFrom: { secretKeyRef: { name: 's3', key: 'S3_ACCESS_KEY' } },
  });
  // Clients reach an external S3 at its own endpoint: no public URL through the Ingress.
  const mediaConfig = ofKind(objects, 'ConfigMap').find((map) => map.metadata.name === 'scalegram-media')?.data;
  expect(mediaConfig?.S3_ENDPOINT).toBe('https://s3.eu-west-1.amazonaws.com');
  expect(mediaConfig?.S3_PUBLIC_URL).toBeUndefined();
  // On install a migration Job runs first only when everything its service opens exists already: auth's
  // stores are external here, but it reads SERVICE_CLIENTS from a Secret this release generates.
  const hook = (release: K8sObject[], name: string) =>
    ofKind(release, 'Job').find((job) => job.metadata.name === `scalegram-${name}-migrations`)?.metadata.annotations?.[
      'helm.sh/hook'
    ];
  expect(hook(objects, 'auth')).toBe('post-install,pre-upgrade');
  expect(hook(objects, 'user')).toBe('post-install,pre-upgrade');
  const userExternal = template([
    '--set',
    'postgres.databases.user.external.enabled=true',
    '--set',
    'postgres.databases.user.external.existingSecret=user-db',
    '--set',
    'redis.external.enabled=true',
    '--set',
    'redis.external.existingSecret=redis',
    '--set',
    'nats.external.enabled=true',
    '--set',
    'nats.external.url=nats://nats.messaging:4222',
  ]);
  expect(hook(userExternal, 'user')).toBe('pre-install,pre-upgrade');
  expect(hook(userExternal, 'post')).toBe('post-install,pre-upgrade');
});

test('a disabled service leaves no trace: no workload, no route in the gateway, no store only it used', () => {
  const objects = template([
    '--set',
    'services.search.enabled=false',
    '--set',
    'services.feed.enabled=false',
    '--set',
    'services.feed-worker.enabled=false',
  ]);
  const names = objects.map((object) => `${object.kind}/${object.metadata.name}`);
  expect(names.filter((name) => /search|feed|qdrant|service-clients/.test(name))).toEqual([]);
  const gateway = ofKind(objects, 'ConfigMap').find((map) => map.metadata.name === 'scalegram-gateway')?.data;
  expect(Object.keys(gateway ?? {})).not.toEqual(expect.arrayContaining(['FEED_SERVICE_URL']));
  expect(gateway?.SEARCH_SERVICE_URL).toBeUndefined();
  expect(gateway?.NOTIFICATION_SERVICE_URL).toBe('http://scalegram-notification');
  // auth registers no service clients when nobody uses them.
  const auth = ofKind(objects, 'Deployment').find((deployment) => deployment.metadata.name === 'scalegram-auth');
  expect(auth?.spec.template.spec.containers[0].env.map((entry: { name: string }) => entry.name)).not.toContain(
    'SERVICE_CLIENTS',
  );
});

test('with every option on (KEDA, the re-index, external stores, metrics scraping), every pod is still hardened, selected by its own NetworkPolicy, and every Service selects pods', () => {
  const objects = template([
    '-f',
    join(CHART, 'values-prod.yaml'),
    '--set',
    'keda.enabled=true',
    '--set',
    'services.search.reindex.enabled=true',
    '--set',
    'postgres.databases.media.external.enabled=true',
    '--set',
    'postgres.databases.media.external.existingSecret=media-db',
    '--set',
    'qdrant.external.enabled=true',
    '--set',
    'qdrant.external.url=https://qdrant.example.com:6333',
    '--set',
    'networkPolicy.metricsNamespaceSelector.matchLabels.name=monitoring',
  ]);
  const policies = ofKind(objects, 'NetworkPolicy').filter(
    (policy) => !/-default-deny$|-allow-dns$/.test(policy.metadata.name),
  );
  const pods = podTemplates(objects);
  expect(pods.map((pod) => pod.labels['app.kubernetes.io/name'])).toContain('search-reindex');
  for (const pod of pods) {
    expect([pod.owner, policies.some((policy) => matches(policy.spec.podSelector, pod.labels))]).toEqual([
      pod.owner,
      true,
    ]);
    const spec = pod.template.spec;
    expect([pod.owner, spec.securityContext.runAsNonRoot, spec.securityContext.seccompProfile.type]).toEqual([
      pod.owner,
      true,
      'RuntimeDefault',
    ]);
    for (const container of spec.containers) {
      expect([pod.owner, container.securityContext.readOnlyRootFilesystem, container.resources.limits.memory]).toEqual([
        pod.owner,
        true,
        expect.any(String),
      ]);
    }
  }
  for (const service of ofKind(objects, 'Service')) {
    const selected = pods.some((pod) => matches({ matchLabels: service.spec.selector }, pod.labels));
    expect([service.metadata.name, selected]).toEqual([service.metadata.name, true]);
  }
  expect(ofKind(objects, 'StatefulSet').map((set) => set.metadata.name)).not.toContain('scalegram-qdrant');
});

test.each(PROFILES)(
  'the %s profile caps Redis below its container limit and evicts only keys with a TTL',
  (profile) => {
    const redis = ofKind(render(profile), 'StatefulSet').find((set) => set.metadata.name.endsWith('-redis'));
    expect(redis).toBeDefined();
    const args: string[] = redis?.spec.template.spec.containers[0].args ?? [];
    expect(args[args.indexOf('--maxmemory-policy') + 1]).toBe('volatile-lru');
    const maxMemory = args[args.indexOf('--maxmemory') + 1] ?? '';
    const limit = redis?.spec.template.spec.containers[0].resources.limits.memory as string;
    const bytes = (value: string) => {
      const match = /^(\d+)(kb|mb|gb|Ki|Mi|Gi)$/.exec(value);
      if (!match) throw new Error(`unexpected size ${value}`);
      return Number(match[1]) * 1024 ** ({ kb: 1, Ki: 1, mb: 2, Mi: 2, gb: 3, Gi: 3 }[match[2] as string] as number);
    };
    expect(bytes(maxMemory)).toBeLessThan(bytes(limit));
  },
);
