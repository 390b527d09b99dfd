// The OpenAPI-driven fuzz suite, written once and run against both local modes: every operation of the
// gateway's merged document through the gateway, and every operation of each service's own document on
// that service directly, each with FUZZ_RUNS generated cases (default 16) from one seed (FUZZ_SEED).
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FuzzContext } from './fuzz-cases.ts';
import { fuzzTargets, type Target, type TargetReport } from './fuzz-runner.ts';
import { createFuzzWorld, type FuzzWorld } from './fuzz-world.ts';
import { type OpenApiDocument, type Operation, operationsOf, resolver } from './openapi-operations.ts';

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 16);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

export interface FuzzSystem {
  mode: string;
  gatewayUrl: string;
  /** Each service's base URL, by name. */
  services: Record<string, string>;
  auth: { url: string; clientId: string; secret: string };
}

async function documentAt(url: string): Promise<OpenApiDocument> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

// The one request that would end the caller's part in the run rather than test an input.
function spares(operation: Operation): boolean {
  return !(operation.method === 'DELETE' && operation.path.endsWith('/users/me'));
}

function contextFor(world: FuzzWorld, document: OpenApiDocument): FuzzContext {
  return {
    resolve: resolver(document),
    fixtureId(operation, parameter) {
      if (/comment/i.test(parameter)) return world.commentId;
      if (/media/i.test(parameter) || operation.path.includes('/media/')) return world.mediaId;
      if (/user/i.test(parameter) || operation.path.includes('/users/')) return world.other.userId;
      return world.postId;
    },
    tokenFor: (operation) => (operation.path.startsWith('/internal') ? world.serviceToken : world.caller.accessToken),
    // What the document says; where it is silent, the routes known to take no bearer token.
    anonymous: (operation) =>
      operation.anonymous ??
      /\/auth\/(login|register|refresh|logout)|\.well-known|\/internal\/service-tokens/.test(operation.path),
  };
}

export interface FuzzOutcome {
  reports: TargetReport[];
  cases: number;
  serverErrors: number;
  operations: number;
}

export async function runFuzzSuite(system: FuzzSystem): Promise<FuzzOutcome> {
  const world = await createFuzzWorld(system.gatewayUrl, system.auth);
  const gatewayDocument = await documentAt(`${system.gatewayUrl}/docs/json`);
  const targets: (Target & { document: OpenApiDocument })[] = [
    {
      name: 'gateway',
      baseUrl: system.gatewayUrl,
      document: gatewayDocument,
      operations: operationsOf(gatewayDocument).filter(spares),
    },
  ];
  for (const [name, url] of Object.entries(system.services)) {
    const document = await documentAt(`${url}/openapi.json`);
    targets.push({ name, baseUrl: url, document, operations: operationsOf(document).filter(spares) });
  }
  const reports: TargetReport[] = [];
  for (const target of targets) {
    reports.push(
      ...(await fuzzTargets({
        targets: [target],
        context: contextFor(world, target.document),
        runs: FUZZ_RUNS,
        seed: FUZZ_SEED,
        snapshot: world.snapshot,
      })),
    );
  }
  const outcome: FuzzOutcome = {
    reports,
    cases: reports.reduce((sum, r) => sum + r.figures.reduce((s, f) => s + f.cases, 0), 0),
    serverErrors: reports.reduce((sum, r) => sum + r.figures.reduce((s, f) => s + f.serverErrors, 0), 0),
    operations: reports.reduce((sum, r) => sum + r.figures.length, 0),
  };
  // The figures of the run, for docs/reliability.md.
  await writeFile(
    join(tmpdir(), `scalegram-fuzz-${system.mode}.json`),
    JSON.stringify({ seed: FUZZ_SEED, runs: FUZZ_RUNS, ...outcome }, null, 2),
  );
  return outcome;
}

/** The findings in one readable list (empty when the run is clean). */
export function findingsOf(outcome: FuzzOutcome): string[] {
  return outcome.reports.flatMap((report) =>
    report.findings.map((f) => `${report.target} ${f.operation} [${f.what}] → ${f.status}: ${f.detail}`),
  );
}
