// Sends the generated cases of every operation to one target (the gateway, or one service directly) and
// records what a client must never see: a 5xx, an error that is not application/problem+json, no answer
// at all, and a refused request that wrote something (the world's snapshot before and after a batch of
// refused writes must be equal).
import type { FuzzCase, FuzzContext } from './fuzz-cases.ts';
import { sampleCases } from './fuzz-cases.ts';
import type { Operation } from './openapi-operations.ts';

export interface Finding {
  operation: string;
  what: string;
  status: number | string;
  detail: string;
}

export interface OperationFigures {
  operation: string;
  cases: number;
  refused: number;
  serverErrors: number;
}

export interface TargetReport {
  target: string;
  figures: OperationFigures[];
  findings: Finding[];
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function changedLines(before: string, after: string): string {
  const old = new Set(before.split('\n'));
  return after
    .split('\n')
    .filter((line) => !old.has(line))
    .map((line) => line.slice(0, 400))
    .join('\n');
}

async function send(baseUrl: string, c: FuzzCase): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(new URL(c.url, baseUrl), {
    method: c.method,
    headers: c.headers,
    ...(c.body === undefined ? {} : { body: c.body }),
    signal: AbortSignal.timeout(30_000),
    redirect: 'manual',
  });
  // A live stream never ends: its status and headers are the answer.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, type: 'text/event-stream', body: '' };
  }
  const body = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body };
}

export interface Target {
  name: string;
  baseUrl: string;
  operations: Operation[];
}

export interface RunOptions {
  targets: Target[];
  context: FuzzContext;
  runs: number;
  seed: number;
  /** The observable state of the fixtures; equal before and after a batch of refused writes. */
  snapshot(): Promise<string>;
}

interface Planned {
  target: Target;
  name: string;
  figure: OperationFigures;
  refusedWrites: FuzzCase[];
  rest: FuzzCase[];
}

/**
 * Every target's refused writes first (each operation's batch between two snapshots), while nothing
 * else changes the world; then all the other cases, whose accepted writes may.
 */
export async function fuzzTargets(options: RunOptions): Promise<TargetReport[]> {
  const findings = new Map<string, Finding[]>(options.targets.map((t) => [t.name, []]));
  const plans: Planned[] = options.targets.flatMap((target, t) =>
    target.operations.map((operation, index) => {
      const cases = sampleCases(operation, options.context, options.runs, options.seed + t * 1_000 + index);
      const refusedWrites = WRITES.has(operation.method) ? cases.filter((c) => c.mustReject) : [];
      const name = `${operation.method} ${operation.path}`;
      return {
        target,
        name,
        figure: { operation: name, cases: cases.length, refused: 0, serverErrors: 0 },
        refusedWrites,
        rest: cases.filter((c) => !refusedWrites.includes(c)),
      };
    }),
  );
  const run = async (plan: Planned, c: FuzzCase): Promise<boolean> => {
    const found = findings.get(plan.target.name) as Finding[];
    const note = (status: number | string, detail: string) =>
      found.push({ operation: plan.name, what: c.what, status, detail });
    try {
      const answer = await send(plan.target.baseUrl, c);
      if (answer.status >= 500) {
        plan.figure.serverErrors += 1;
        note(answer.status, `${c.method} ${c.url.slice(0, 200)} ${answer.body.slice(0, 300)}`);
      } else if (answer.status >= 400 && !answer.type.startsWith('application/problem+json')) {
        note(answer.status, `content-type ${answer.type || '(none)'}: ${answer.body.slice(0, 200)}`);
      }
      if (answer.status >= 400) plan.figure.refused += 1;
      if (c.mustReject && answer.status < 400) {
        note(
          answer.status,
          `accepted a request that breaks the contract: ${c.url.slice(0, 200)} ${c.body?.slice(0, 200) ?? ''}`,
        );
      }
      return answer.status >= 400;
    } catch (error) {
      note('no answer', `${c.method} ${c.url.slice(0, 200)}: ${(error as Error).message}`);
      return false;
    }
  };
  for (const plan of plans) {
    if (plan.refusedWrites.length === 0) continue;
    const before = await options.snapshot();
    let allRefused = true;
    for (const c of plan.refusedWrites) allRefused = (await run(plan, c)) && allRefused;
    const after = await options.snapshot();
    if (allRefused && after !== before) {
      (findings.get(plan.target.name) as Finding[]).push({
        operation: plan.name,
        what: 'refused writes',
        status: 'state changed',
        detail: changedLines(before, after),
      });
    }
  }
  for (const plan of plans) for (const c of plan.rest) await run(plan, c);
  return options.targets.map((target) => ({
    target: target.name,
    figures: plans.filter((p) => p.target === target).map((p) => p.figure),
    findings: findings.get(target.name) as Finding[],
  }));
}
