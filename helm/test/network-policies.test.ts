// What the NetworkPolicies allow, evaluated over the render: the gateway is reached only from the
// ingress controller, each service reaches only its own stores, NATS and the services it calls, and
// nothing else connects to anything. The expected paths are written out here, independently of the
// chart's own topology table.
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CHART, ofKind, PROFILES, render, template } from './support/helm.ts';
import { allowed, type Peer, podPeer } from './support/network-policy.ts';
import { podTemplates } from './support/pods.ts';

/** Who may call whom (HTTP, port 3000). auth is called by every token verifier for its JWKS. */
const CALLS: Record<string, string[]> = {
  gateway: ['auth', 'user', 'post', 'media', 'feed', 'search', 'notification'],
  auth: ['user'],
  user: ['auth', 'media'],
  post: ['auth', 'media'],
  media: ['auth'],
  'media-worker': [],
  search: ['auth'],
  notification: ['auth'],
  feed: ['auth', 'post', 'user'],
  'feed-worker': [],
};

/** Which store pods each service (and its migration Job) may reach, and on which port. */
const STORES: Record<string, [string, number][]> = {
  gateway: [['redis', 6379]],
  auth: [
    ['postgres-auth', 5432],
    ['redis', 6379],
  ],
  user: [
    ['postgres-user', 5432],
    ['redis', 6379],
    ['nats', 4222],
  ],
  post: [
    ['postgres-post', 5432],
    ['nats', 4222],
  ],
  media: [
    ['postgres-media', 5432],
    ['nats', 4222],
    ['minio', 9000],
  ],
  'media-worker': [
    ['nats', 4222],
    ['minio', 9000],
  ],
  search: [
    ['qdrant', 6333],
    ['nats', 4222],
  ],
  notification: [
    ['postgres-notification', 5432],
    ['nats', 4222],
  ],
  feed: [
    ['redis', 6379],
    ['nats', 4222],
  ],
  'feed-worker': [
    ['redis', 6379],
    ['nats', 4222],
  ],
};

const INGRESS_CONTROLLER: Peer = {
  namespace: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
  labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
};
const STRANGER: Peer = { namespace: { 'kubernetes.io/metadata.name': 'default' }, labels: { app: 'curious' } };

describe.each(PROFILES)('the %s profile', (profile) => {
  const objects = render(profile);
  const policies = ofKind(objects, 'NetworkPolicy');
  const pods = new Map(podTemplates(objects).map((pod) => [pod.labels['app.kubernetes.io/name']!, podPeer(pod)]));
  const services = Object.keys(CALLS).filter((name) => pods.has(name));
  const port = (name: string) => (name.startsWith('postgres') ? 5432 : (STORE_PORT[name] ?? 3000));
  const STORE_PORT: Record<string, number> = { redis: 6379, nats: 4222, minio: 9000, qdrant: 6333 };

  test('only the ingress controller reaches the gateway', () => {
    const gateway = pods.get('gateway')!;
    expect(allowed(policies, INGRESS_CONTROLLER, gateway, 3000)).toBe(true);
    expect(allowed(policies, STRANGER, gateway, 3000)).toBe(false);
    for (const [name, pod] of pods) expect([name, allowed(policies, pod, gateway, 3000)]).toEqual([name, false]);
  });

  test('each service reaches exactly the services it calls', () => {
    for (const source of services) {
      for (const target of services) {
        const expected = CALLS[source]!.includes(target);
        expect([source, target, allowed(policies, pods.get(source)!, pods.get(target)!, 3000)]).toEqual([
          source,
          target,
          expected,
        ]);
      }
    }
  });

  test('each service and its migration Job reach exactly their own stores', () => {
    const stores = [...pods.keys()].filter((name) => /^(postgres-|redis$|nats$|minio$|qdrant$)/.test(name));
    expect(stores.length).toBeGreaterThanOrEqual(7);
    for (const source of services) {
      for (const client of [source, `${source}-migrations`]) {
        const peer = pods.get(client);
        if (peer === undefined) continue;
        for (const store of stores) {
          const expected = STORES[source]!.some(([name]) => name === store);
          expect([client, store, allowed(policies, peer, pods.get(store)!, port(store))]).toEqual([
            client,
            store,
            expected,
          ]);
        }
      }
    }
  });

  test('stores reach nothing but their own cluster peers, and nobody outside reaches them', () => {
    for (const [name, peer] of pods) {
      if (!/^(postgres-|redis$|nats$|minio$|qdrant$)/.test(name)) continue;
      expect([name, allowed(policies, STRANGER, peer, port(name))]).toEqual([name, false]);
      for (const service of services) expect(allowed(policies, peer, pods.get(service)!, 3000)).toBe(false);
    }
  });

  test('migration Jobs accept no connections', () => {
    for (const [name, peer] of pods) {
      if (!name.endsWith('-migrations')) continue;
      for (const source of services) expect(allowed(policies, pods.get(source)!, peer, 3000)).toBe(false);
    }
  });
});

test('production: the NATS servers reach each other on the cluster port', () => {
  const objects = render('prod');
  const nats = podTemplates(objects).find((pod) => pod.labels['app.kubernetes.io/name'] === 'nats')!;
  expect(allowed(ofKind(objects, 'NetworkPolicy'), podPeer(nats), podPeer(nats), 6222)).toBe(true);
});

test('the search re-index Job reaches auth, post and its stores, and nothing else', () => {
  const objects = template(['-f', join(CHART, 'values-prod.yaml'), '--set', 'services.search.reindex.enabled=true']);
  const policies = ofKind(objects, 'NetworkPolicy');
  const pods = new Map(podTemplates(objects).map((pod) => [pod.labels['app.kubernetes.io/name']!, podPeer(pod)]));
  const reindex = pods.get('search-reindex')!;
  expect(reindex).toBeDefined();
  const reach = (name: string, port: number) => allowed(policies, reindex, pods.get(name)!, port);
  expect([reach('auth', 3000), reach('post', 3000), reach('qdrant', 6333), reach('nats', 4222)]).toEqual([
    true,
    true,
    true,
    true,
  ]);
  expect([reach('user', 3000), reach('search', 3000), reach('postgres-post', 5432), reach('gateway', 3000)]).toEqual([
    false,
    false,
    false,
    false,
  ]);
  expect(allowed(policies, pods.get('post')!, reindex, 3000)).toBe(false);
});
