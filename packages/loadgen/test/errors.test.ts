import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpTarget } from '../src/engine/http-target.ts';
import { constantShape } from '../src/engine/load-shape.ts';
import { runOpenLoop } from '../src/engine/open-loop.ts';
import { createRng } from '../src/rng.ts';
import type { RequestSpec } from '../src/scenario.ts';
import { startTestServer, type TestServer, unusedPort } from './support/test-server.ts';

const get: RequestSpec = { method: 'GET', path: '/', expectedStatuses: [200] };
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@scalegram/source', CLI, ...args], {
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('failing targets are reported as errors', () => {
  let failing: TestServer;
  let healthy: TestServer;
  let out: string;
  beforeAll(async () => {
    failing = await startTestServer({ status: 500 });
    healthy = await startTestServer();
    out = await mkdtemp(join(tmpdir(), 'loadgen-errors-'));
  });
  afterAll(async () => {
    await failing.close();
    await healthy.close();
    await rm(out, { recursive: true, force: true });
  });

  it('counts 500s as errors by status, never as latency successes', async () => {
    const target = createHttpTarget({ url: failing.url, connections: 4, timeoutMs: 5_000 });
    const stats = await runOpenLoop({
      target,
      nextRequest: () => get,
      shape: constantShape(100, 1_000),
      arrival: 'constant',
      rng: createRng(1),
    });
    await target.close();
    expect(stats.totals.sent).toBe(100);
    expect(stats.totals.ok).toBe(0);
    expect(stats.totals.errors).toBe(100);
    expect(stats.errorRate).toBe(1);
    expect(stats.statusCodes).toEqual({ '500': 100 });
    expect(stats.errorsByKind).toEqual({ 'http-500': 100 });
    expect(stats.latency.count).toBe(0);
    expect(stats.latency.p99).toBeNull();
    // Every failure is in the per-second series too (which second depends on the machine's pace).
    expect(stats.series.reduce((sum, point) => sum + point.errors, 0)).toBe(100);
  });

  it('counts refused connections as errors of kind connection-refused', async () => {
    const port = await unusedPort();
    const target = createHttpTarget({ url: `http://127.0.0.1:${port}`, connections: 2, timeoutMs: 2_000 });
    const stats = await runOpenLoop({
      target,
      nextRequest: () => get,
      shape: constantShape(50, 1_000),
      arrival: 'constant',
      rng: createRng(1),
    });
    await target.close();
    expect(stats.totals.scheduled).toBe(50);
    expect(stats.totals.ok).toBe(0);
    expect(stats.totals.errors + stats.totals.dropped).toBe(50);
    expect(stats.errorsByKind['connection-refused']).toBeGreaterThan(0);
    expect(stats.errorRate).toBe(1);
    expect(stats.latency.count).toBe(0);
  });

  it('the CLI exits 1 when the error rate is above --max-error-rate, and 0 against a healthy target', async () => {
    const bad = await runCli([
      'run',
      '--url',
      failing.url,
      '--rate',
      '50',
      '--duration',
      '1s',
      '--out',
      out,
      '--quiet',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('http-500 × 50');

    const good = await runCli(['run', '--url', healthy.url, '--rate', '50', '--duration', '1s', '--out', out]);
    expect(good.code).toBe(0);
    expect(good.stderr).toMatch(/\[\s+1s\] sent \d+\/s\s+ok \d+\/s\s+errors 0\s+p50 [\d.]+ ms\s+p99 [\d.]+ ms/);

    const files = await readdir(out);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.svg'))).toHaveLength(2);
    const reports = await Promise.all(
      files.filter((f) => f.endsWith('.json')).map(async (f) => JSON.parse(await readFile(join(out, f), 'utf8'))),
    );
    expect(reports.map((r) => r.result.totals.errors).sort()).toEqual([0, 50]);
  });

  it('the CLI refuses a non-loopback target unless it is named with --allow-host, and exits 2 on bad usage', async () => {
    const refused = await runCli(['run', '--url', 'http://192.0.2.1/', '--rate', '1', '--duration', '1s', '--quiet']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--allow-host');
    const before = healthy.received();
    const flood = await runCli(['run', '--url', healthy.url, '--rate', '100000', '--duration', '1h', '--quiet']);
    expect(flood.code).toBe(2);
    expect(flood.stderr).toContain('--max-requests');
    expect(healthy.received()).toBe(before);
    const usage = await runCli(['launch']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage:');
  });
});
