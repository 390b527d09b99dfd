// Validates a manifest against the Kubernetes OpenAPI schemas shipped with kubernetes-models (the
// model class of its apiVersion/kind, whose validate() runs the compiled JSON Schema).
import type { K8sObject } from './helm.ts';

interface ModelClass {
  new (data: unknown): { validate(): void };
}

const cache = new Map<string, ModelClass>();

async function modelOf(apiVersion: string, kind: string): Promise<ModelClass> {
  const key = `${apiVersion}/${kind}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  // apps/v1 → kubernetes-models/apps/v1/Deployment; the core group v1 → kubernetes-models/v1/Service.
  const module = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, ModelClass>;
  const model = module[kind];
  if (model === undefined) throw new Error(`kubernetes-models has no ${key}`);
  cache.set(key, model);
  return model;
}

/** Throws with the schema's message when `object` is not a valid Kubernetes object of its kind. */
export async function validateObject(object: K8sObject): Promise<void> {
  const Model = await modelOf(object.apiVersion, object.kind);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
  }
}
