// The pods a render would create (one per workload template, with its labels and ports), and the
// label-selector matching that Services and NetworkPolicies use.
import type { K8sObject } from './helm.ts';

export interface PodTemplate {
  /** The workload that owns the template, e.g. `Deployment/scalegram-post`. */
  owner: string;
  // biome-ignore lint/suspicious/noExplicitAny: a pod template as rendered
  template: any;
  labels: Record<string, string>;
  /** Container port name → number. */
  ports: Map<string, number>;
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];

export function podTemplates(objects: readonly K8sObject[]): PodTemplate[] {
  return objects
    .filter((object) => WORKLOAD_KINDS.includes(object.kind))
    .map((object) => {
      const template = object.spec.template;
      const ports = new Map<string, number>();
      for (const container of template.spec.containers) {
        for (const port of container.ports ?? []) if (port.name) ports.set(port.name, port.containerPort);
      }
      return {
        owner: `${object.kind}/${object.metadata.name}`,
        template,
        labels: template.metadata.labels ?? {},
        ports,
      };
    });
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export function matches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    const ok =
      expression.operator === 'In'
        ? value !== undefined && values.includes(value)
        : expression.operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : expression.operator === 'Exists'
            ? value !== undefined
            : value === undefined;
    if (!ok) return false;
  }
  return true;
}
