// A small NetworkPolicy evaluator over a render: may pod A open a TCP connection to pod B on a port?
// Both sides must allow it (B's ingress policies and A's egress policies), as the API defines; a pod no
// policy selects for a direction is open in that direction. Peers outside the release are described by
// their namespace labels and pod labels.
import type { K8sObject } from './helm.ts';
import { type LabelSelector, matches, type PodTemplate } from './pods.ts';

export interface Peer {
  /** Labels of the peer's namespace; the release's own namespace is `scalegram`. */
  namespace: Record<string, string>;
  labels: Record<string, string>;
  ports?: Map<string, number>;
}

const RELEASE_NAMESPACE = { 'kubernetes.io/metadata.name': 'scalegram' };

export function podPeer(pod: PodTemplate): Peer {
  return { namespace: RELEASE_NAMESPACE, labels: pod.labels, ports: pod.ports };
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}

interface PolicyRule {
  ports?: { port?: number | string; protocol?: string }[];
  from?: PolicyPeer[];
  to?: PolicyPeer[];
}

function peerMatches(peer: PolicyPeer, candidate: Peer): boolean {
  if (peer.ipBlock !== undefined) return false; // pods are never matched by ipBlock here
  if (peer.namespaceSelector === undefined) {
    // Same namespace as the policy.
    return matches(peer.podSelector, candidate.labels) && candidate.namespace === RELEASE_NAMESPACE;
  }
  return matches(peer.namespaceSelector, candidate.namespace) && matches(peer.podSelector, candidate.labels);
}

/** An absent or empty peer list means "everyone" (the API's semantics). */
function anyPeer(peers: PolicyPeer[] | undefined, candidate: Peer): boolean {
  return peers === undefined || peers.length === 0 || peers.some((peer) => peerMatches(peer, candidate));
}

function portMatches(rule: PolicyRule, port: number, target: Peer): boolean {
  if (rule.ports === undefined || rule.ports.length === 0) return true;
  return rule.ports.some((entry) => {
    if ((entry.protocol ?? 'TCP') !== 'TCP') return false;
    if (entry.port === undefined) return true;
    const number = typeof entry.port === 'number' ? entry.port : target.ports?.get(entry.port);
    return number === port;
  });
}

function selecting(policies: readonly K8sObject[], pod: Peer, type: 'Ingress' | 'Egress'): K8sObject[] {
  return policies.filter(
    (policy) =>
      pod.namespace === RELEASE_NAMESPACE &&
      matches(policy.spec.podSelector, pod.labels) &&
      (policy.spec.policyTypes ?? ['Ingress']).includes(type),
  );
}

/** Is a TCP connection from `source` to `target` on `port` allowed by the policies? */
export function allowed(policies: readonly K8sObject[], source: Peer, target: Peer, port: number): boolean {
  const ingress = selecting(policies, target, 'Ingress');
  const ingressOk =
    ingress.length === 0 ||
    ingress.some((policy) =>
      ((policy.spec.ingress ?? []) as PolicyRule[]).some(
        (rule) => portMatches(rule, port, target) && anyPeer(rule.from, source),
      ),
    );
  const egress = selecting(policies, source, 'Egress');
  const egressOk =
    egress.length === 0 ||
    egress.some((policy) =>
      ((policy.spec.egress ?? []) as PolicyRule[]).some(
        (rule) => portMatches(rule, port, target) && anyPeer(rule.to, target),
      ),
    );
  return ingressOk && egressOk;
}
