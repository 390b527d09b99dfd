// server.ts as a real process against NATS and a local files directory: it becomes ready, processes a
// job, and on SIGTERM lets the job in progress finish (result published, job acknowledged) before it
// closes the bus and exits 0.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import { makePng } from './support/images.ts';
import { startLocalStore, type TestStore } from './support/stores.ts';
import { deleteStreams, NATS_URL, newJob, startMediaSide, uniqueStreams } from './support/worker-harness.ts';

const streams = uniqueStreams();
// The worker process's own namespace on the shared NATS server (ADR 0040).
const namespace = `t${streams.subjectPrefix.slice(1, -1)}`;
let local: TestStore & { directory: string };
let media: Awaited<ReturnType<typeof startMediaSide>>;

beforeAll(async () => {
  local = await startLocalStore();
  media = await startMediaSide(streams, namespace);
});

afterAll(async () => {
  await media.close();
  await deleteStreams(streams, namespace);
  await local.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('server.ts', () => {
  it('serves probes and metrics, and drains the job in progress on SIGTERM', async () => {
    const port = await freePort();
    const { NODE_OPTIONS: _jestOnly, ...env } = process.env;
    const child = spawn(process.execPath, ['--conditions=@scalegram/source', 'src/server.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        NATS_URL,
        NAMESPACE: namespace,
        FILES_DIRECTORY: local.directory,
        MEDIA_JOBS_STREAM_NAME: streams.jobsStream,
        MEDIA_STREAM_NAME: streams.eventsStream,
        MEDIA_SUBJECT_PREFIX: streams.subjectPrefix,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const messages: string[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) messages.push((JSON.parse(line) as { msg: string }).msg);
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const base = `http://127.0.0.1:${port}`;

    const deadline = Date.now() + 20_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect({ ready, stderr }).toEqual({ ready: true, stderr: '' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('# TYPE media_jobs_total counter');

    // A 35-megapixel PNG (no shrink-on-load for PNG): long enough to still be running at SIGTERM.
    const bytes = await makePng(7000, 5000);
    const job = newJob({ declaredContentType: 'image/png', declaredSize: bytes.length });
    await local.store.put(job.objectKey, bytes, { contentType: 'image/png' });
    await media.publishJob(job);
    while (!messages.includes('media job started') && Date.now() < deadline + 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    const order = ['media job started', 'shutdown started', 'media processed', 'shutdown complete'];
    expect(messages.filter((message) => order.includes(message))).toEqual(order);
    expect((await media.waitForResult(job.mediaId)).type).toBe('media.processed');
    // Acknowledged: the work queue no longer holds it.
    const bus = await createNatsBus({ servers: [NATS_URL], name: 'media-worker-server-test', namespace });
    try {
      expect((await bus.streamState(streams.jobsStream)).messages).toBe(0);
    } finally {
      await bus.close();
    }
  });
});
