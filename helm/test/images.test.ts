// The images and the dev loop, checked statically: every Dockerfile is multi-stage on pinned base
// images, ends as a non-root numeric user, deploys a production-only tree with pnpm, and copies only
// paths that exist in the build context (the repository root, minus .dockerignore); skaffold.yaml
// builds every Dockerfile and deploys the chart with the dev values; the kind config maps the ingress
// ports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { CHART, ofKind, parseManifests, REPOSITORY, render, template } from './support/helm.ts';

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, with continuation lines joined and comments dropped. */
function instructionsOf(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (line.trimEnd().endsWith('\\')) {
      current += `${line.trimEnd().slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

const DOCKERFILES = ['services', 'packages'].flatMap((folder) =>
  readdirSync(join(REPOSITORY, folder))
    .map((name) => `${folder}/${name}/Dockerfile`)
    .filter((path) => existsSync(join(REPOSITORY, path))),
);

const IGNORED = readFileSync(join(REPOSITORY, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** Is a context path excluded by .dockerignore (the patterns used there: `**\/x`, `dir`, `dir/sub`)? */
function ignored(path: string): boolean {
  return IGNORED.some((pattern) => {
    const source = pattern
      .replace(/[.+^${}()|[\]]/g, '\\$&')
      .split('**/')
      .map((part) => part.replace(/\*/g, '[^/]*'))
      .join('(.*/)?');
    return new RegExp(`^${source}(/.*)?$`).test(path);
  });
}

test('there is a Dockerfile per deployable service and for the load generator', () => {
  expect(DOCKERFILES).toEqual(
    expect.arrayContaining([
      'services/gateway/Dockerfile',
      'services/auth/Dockerfile',
      'services/user/Dockerfile',
      'services/post/Dockerfile',
      'services/media/Dockerfile',
      'services/media-worker/Dockerfile',
      'packages/loadgen/Dockerfile',
    ]),
  );
});

describe.each(DOCKERFILES)('%s', (path) => {
  const instructions = instructionsOf(readFileSync(join(REPOSITORY, path), 'utf8'));
  const froms = instructions.filter((instruction) => instruction.keyword === 'FROM');
  const stages = froms.map((from) => /\bAS\s+(\S+)/i.exec(from.args)?.[1]).filter(Boolean);
  const lastFrom = instructions.lastIndexOf(froms.at(-1)!);
  const runtime = instructions.slice(lastFrom);

  test('is multi-stage on base images pinned to a specific version (no latest, no bare major)', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const image = from.args.split(/\s+/).find((word) => !word.startsWith('--'))!;
      if (stages.includes(image)) continue;
      expect(image).toMatch(/^[\w./-]+:[\w.-]+(@sha256:[a-f0-9]{64})?$/);
      const tag = image.split(':')[1]!.split('@')[0]!;
      expect(tag).not.toBe('latest');
      // A specific version: at least major.minor (e.g. 24.21.0-trixie-slim, 7.1.1).
      expect(tag).toMatch(/\d+\.\d+/);
    }
  });

  test('runs on Node 24 slim (or distroless) as a non-root numeric user', () => {
    expect(froms.at(-1)!.args).toMatch(/^(node:24\.[\d.]+-[\w-]*slim|gcr\.io\/distroless\/nodejs24)/);
    const user = runtime.filter((instruction) => instruction.keyword === 'USER').at(-1)?.args;
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  test('deploys a production-only tree from the frozen lockfile, owned by root in the runtime stage', () => {
    const runs = instructions.filter((instruction) => instruction.keyword === 'RUN').map((run) => run.args);
    expect(runs.join('\n')).toMatch(/--frozen-lockfile/);
    expect(runs.join('\n')).toMatch(/ deploy --prod \/out/);
    expect(runtime.some((instruction) => /--from=build --chown=root:root \/out/.test(instruction.args))).toBe(true);
    expect(runtime.some((instruction) => instruction.keyword === 'CMD' || instruction.keyword === 'ENTRYPOINT')).toBe(
      true,
    );
  });

  test('copies only paths that exist in the build context and are not excluded by .dockerignore', () => {
    for (const copy of instructions.filter((instruction) => ['COPY', 'ADD'].includes(instruction.keyword))) {
      if (/--from=/.test(copy.args)) continue;
      const words = copy.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      for (const source of words.slice(0, -1)) {
        if (source === '.') continue;
        expect([source, existsSync(join(REPOSITORY, source))]).toEqual([source, true]);
        expect([source, ignored(source)]).toEqual([source, false]);
      }
    }
  });
});

test('the .dockerignore keeps what builds need and drops what they must not see', () => {
  for (const path of [
    'pnpm-lock.yaml',
    'pnpm-workspace.yaml',
    'package.json',
    'services/post/src',
    'services/post/migrations',
    'helm/package.json',
  ]) {
    expect([path, ignored(path)]).toEqual([path, false]);
  }
  for (const path of [
    '.git',
    'node_modules',
    'services/post/node_modules',
    'packages/kit/dist',
    '.tools',
    'services/auth/test',
  ]) {
    expect([path, ignored(path)]).toEqual([path, true]);
  }
});

describe('skaffold.yaml', () => {
  const config = parse(readFileSync(join(REPOSITORY, 'skaffold.yaml'), 'utf8'));
  type Artifact = { image: string; context: string; docker: { dockerfile: string } };
  const patchedArtifacts: Artifact[] = (config.profiles ?? []).flatMap(
    (profile: { patches?: { path: string; value: Artifact }[] }) =>
      (profile.patches ?? []).filter((patch) => patch.path === '/build/artifacts/-').map((patch) => patch.value),
  );
  const artifacts: Artifact[] = [...config.build.artifacts, ...patchedArtifacts];
  const release = config.deploy.helm.releases[0];

  test('uses the current schema', () => {
    expect(config.apiVersion).toBe('skaffold/v4beta13');
    expect(config.kind).toBe('Config');
  });

  test('builds every Dockerfile, each from the repository root with the docker builder', () => {
    expect(artifacts.map((artifact) => artifact.docker.dockerfile).sort()).toEqual([...DOCKERFILES].sort());
    for (const artifact of artifacts) {
      expect(artifact.context).toBe('.');
      expect(existsSync(join(REPOSITORY, artifact.docker.dockerfile))).toBe(true);
    }
  });

  test('deploys the chart with the dev values and hands it every image it runs', () => {
    expect(join(REPOSITORY, release.chartPath)).toBe(CHART);
    expect(release.valuesFiles).toEqual(['helm/scalegram/values-dev.yaml']);
    for (const file of release.valuesFiles) expect(existsSync(join(REPOSITORY, file))).toBe(true);
    const images = new Set(artifacts.map((artifact) => artifact.image));
    for (const deployment of ofKind(render('dev'), 'Deployment')) {
      const name = deployment.metadata.labels?.['app.kubernetes.io/name'];
      // The repository the chart runs by default (the feed worker runs the feed image).
      const repository = deployment.spec.template.spec.containers[0].image.split(':')[0] as string;
      const key = repository.replace(/[/-]/g, '_');
      expect([name, images.has(repository)]).toEqual([name, true]);
      expect(release.setValueTemplates[`services.${name}.image.repository`]).toBe(`{{.IMAGE_REPO_${key}}}`);
      expect(release.setValueTemplates[`services.${name}.image.tag`]).toBe(`{{.IMAGE_TAG_${key}}}`);
    }
  });

  test("the chart accepts skaffold's first pass (every image value set to its artifact name)", () => {
    // skaffold runs helm with --set-string <key>=<artifact name> and swaps in the built image with its
    // post-renderer (hooks included, in Helm 4 and 3.21+), so the values schema must let those through.
    const sets = Object.entries(release.setValueTemplates as Record<string, string>).flatMap(([key, template]) => {
      const artifact = artifacts.find((candidate) =>
        template.endsWith(`_${candidate.image.replace(/[/.:-]/g, '_')}}}`),
      );
      expect([key, artifact]).toEqual([key, expect.anything()]);
      return ['--set-string', `${key}=${artifact!.image}`];
    });
    const objects = template(['-f', join(REPOSITORY, release.valuesFiles[0]), ...sets]);
    for (const deployment of ofKind(objects, 'Deployment')) {
      const image: string = deployment.spec.template.spec.containers[0].image;
      const [repository, tag] = image.split(':');
      expect([deployment.metadata.name, repository]).toEqual([deployment.metadata.name, tag]);
      expect(artifacts.map((artifact) => artifact.image)).toContain(repository);
    }
  });

  test('forwards the gateway and has the dev, prod and loadtest profiles', () => {
    expect(config.portForward).toContainEqual(
      expect.objectContaining({ resourceType: 'service', resourceName: 'scalegram-gateway', port: 80 }),
    );
    expect(config.profiles.map((profile: { name: string }) => profile.name).sort()).toEqual([
      'dev',
      'loadtest',
      'prod',
    ]);
    const prod = config.profiles.find((profile: { name: string }) => profile.name === 'prod');
    expect(JSON.stringify(prod.patches)).toContain('helm/scalegram/values-prod.yaml');
    const loadtest = config.profiles.find((profile: { name: string }) => profile.name === 'loadtest');
    expect(JSON.stringify(loadtest.patches)).toContain('k8s/loadtest-job.yaml');
  });

  test('the load-test Job runs the load generator image against the gateway Service', () => {
    const objects = parseManifests(readFileSync(join(REPOSITORY, 'k8s/loadtest-job.yaml'), 'utf8'));
    const job = objects.find((object) => object.kind === 'Job')!;
    const settings = objects.find((object) => object.kind === 'ConfigMap')!.data;
    const container = job.spec.template.spec.containers[0];
    expect(container.image.split(':')[0]).toBe('scalegram/loadgen');
    expect(artifacts.map((artifact) => artifact.image)).toContain('scalegram/loadgen');
    expect(container.envFrom[0].configMapRef.name).toBe(
      objects.find((object) => object.kind === 'ConfigMap')!.metadata.name,
    );
    // The gateway Service of the chart (release scalegram, namespace scalegram), allowed by name.
    const gateway = ofKind(render('dev'), 'Service').find((service) => service.metadata.name === 'scalegram-gateway')!;
    expect(settings.SCALEGRAM_LOAD_TARGET).toBe(`http://${gateway.metadata.name}.scalegram.svc`);
    expect(gateway.spec.ports[0].port).toBe(80);
    expect(settings.SCALEGRAM_LOAD_ALLOW_HOST).toBe('scalegram-gateway.scalegram.svc');
    expect(settings.SCALEGRAM_LOAD_OUT).toBe(
      container.volumeMounts.find((m: { name: string }) => m.name === 'reports').mountPath,
    );
  });
});

test('the kind cluster maps the ingress ports 80 and 443 to the host and labels the node ingress-ready', () => {
  const kind = parse(readFileSync(join(REPOSITORY, 'k8s/kind.yaml'), 'utf8'));
  const control = kind.nodes.find((node: { role: string }) => node.role === 'control-plane');
  expect(control.extraPortMappings.map((mapping: { containerPort: number }) => mapping.containerPort).sort()).toEqual([
    443, 80,
  ]);
  expect(control.kubeadmConfigPatches.join('\n')).toContain('ingress-ready=true');
});
