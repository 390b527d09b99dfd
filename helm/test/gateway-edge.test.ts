// The public entry's two edge settings: who may say who the client is (TRUST_PROXY), and where the
// gateway's metrics are served (never through the Ingress or the gateway's public port, yet scrapable by
// a Prometheus the operator names).
import { describe, expect, test } from '@jest/globals';
import { type K8sObject, ofKind, PROFILES, render, template } from './support/helm.ts';
import { allowed, type Peer, podPeer } from './support/network-policy.ts';
import { podTemplates } from './support/pods.ts';

const INGRESS_CONTROLLER: Peer = {
  namespace: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
  labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
};
const PROMETHEUS: Peer = { namespace: { name: 'monitoring' }, labels: { app: 'prometheus' } };

function gatewayConfig(objects: readonly K8sObject[]): Record<string, string> {
  const map = ofKind(objects, 'ConfigMap').find((object) => object.metadata.name.endsWith('-gateway'));
  if (map === undefined) throw new Error('no gateway ConfigMap');
  return map.data as Record<string, string>;
}

describe.each(PROFILES)('the %s profile', (profile) => {
  const objects = render(profile);

  test('the gateway trusts one hop (the ingress controller), never every X-Forwarded-For entry', () => {
    expect(gatewayConfig(objects).TRUST_PROXY).toBe('1');
  });

  test('metrics live on a port of their own that neither the Ingress nor the http Service port reaches', () => {
    const config = gatewayConfig(objects);
    expect(config.METRICS_PORT).toBe('9090');
    expect(config.METRICS_PORT).not.toBe(config.PORT);
    const gateway = podTemplates(objects).find((pod) => pod.labels['app.kubernetes.io/name'] === 'gateway');
    expect(Object.fromEntries(gateway?.ports ?? [])).toEqual({ http: 3000, metrics: 9090 });
    for (const ingress of ofKind(objects, 'Ingress')) {
      for (const rule of ingress.spec.rules) {
        for (const path of rule.http.paths) expect(path.backend.service.port).not.toEqual({ name: 'metrics' });
      }
    }
    const service = ofKind(objects, 'Service').find((object) => object.metadata.name.endsWith('-gateway'));
    const httpPort = service?.spec.ports.find((port: { name: string }) => port.name === 'http');
    expect(httpPort.targetPort).toBe('http');
  });
});

test('only the namespaces the operator names scrape the gateway, on the metrics port only', () => {
  const closed = template();
  const closedGateway = podTemplates(closed).find((pod) => pod.labels['app.kubernetes.io/name'] === 'gateway')!;
  const closedPolicies = ofKind(closed, 'NetworkPolicy');
  expect(allowed(closedPolicies, INGRESS_CONTROLLER, podPeer(closedGateway), 9090)).toBe(false);
  expect(allowed(closedPolicies, PROMETHEUS, podPeer(closedGateway), 9090)).toBe(false);

  const objects = template(['--set', 'networkPolicy.metricsNamespaceSelector.matchLabels.name=monitoring']);
  const policies = ofKind(objects, 'NetworkPolicy');
  const pods = new Map(podTemplates(objects).map((pod) => [pod.labels['app.kubernetes.io/name']!, podPeer(pod)]));
  const gateway = pods.get('gateway')!;
  expect(allowed(policies, PROMETHEUS, gateway, 9090)).toBe(true);
  expect(allowed(policies, PROMETHEUS, gateway, 3000)).toBe(false);
  expect(allowed(policies, INGRESS_CONTROLLER, gateway, 9090)).toBe(false);
  expect(allowed(policies, INGRESS_CONTROLLER, gateway, 3000)).toBe(true);
  // The other services keep serving /metrics on their http port, which only the cluster reaches.
  expect(allowed(policies, PROMETHEUS, pods.get('user')!, 3000)).toBe(true);
});

test('the chart refuses TRUST_PROXY=true and a metrics port equal to the http port', () => {
  expect(() => template(['--set-string', 'services.gateway.trustProxy=true'])).toThrow(/trustProxy/);
  expect(() => template(['--set', 'services.gateway.metricsPort=3000'])).toThrow(/metricsPort/);
  expect(gatewayConfig(template(['--set', 'services.gateway.trustProxy=10.244.0.0/16'])).TRUST_PROXY).toBe(
    '10.244.0.0/16',
  );
});
