// Graceful shutdown, tested the only honest way: a real process, a real socket, a real SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';

const FIXTURE = fileURLToPath(new URL('./fixtures/graceful-service.ts', import.meta.url));
const children: ChildProcess[] = [];

interface Service {
  child: ChildProcess;
  port: number;
  messages: string[];
  exited: Promise<number | null>;
  waitFor(message: string, timeoutMs?: number): Promise<void>;
}

async function startService(env: Record<string, string>): Promise<Service> {
  const child = spawn(process.execPath, ['--conditions=@scalegram/source', FIXTURE], {
    // Drop Jest's NODE_OPTIONS (--experimental-vm-modules): the child is a plain Node process.
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const messages: string[] = [];
  const waiters: Array<{ message: string; resolve: () => void }> = [];
  let buffered = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const msg = String((JSON.parse(line) as { msg?: unknown }).msg);
      messages.push(msg);
      for (const waiter of waiters.filter((w) => msg.startsWith(w.message))) waiter.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Generous: a child Node process can take many seconds to boot on a busy machine; the waits bound a hang.
  const waitFor = (message: string, timeoutMs = 25_000) =>
    new Promise<void>((resolve, reject) => {
      if (messages.some((msg) => msg.startsWith(message))) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`no "${message}" log within ${timeoutMs} ms; got ${messages.join(' | ')} ${stderr}`)),
        timeoutMs,
      );
      waiters.push({
        message,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  await waitFor('Server listening at');
  const listening = messages.find((msg) => msg.startsWith('Server listening at')) ?? '';
  const port = Number(new URL(listening.replace('Server listening at ', '')).port);
  return { child, port, messages, exited, waitFor };
}

/** GET on a brand-new connection (no keep-alive pool), so "connection refused" is observable. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('runService graceful shutdown (child process)', () => {
  it('fails readiness, refuses new connections, finishes in-flight requests, closes adapters, exits 0', async () => {
    const service = await startService({ SLOW_MS: '2500', PRE_STOP_DELAY_MS: '800', SHUTDOWN_TIMEOUT_MS: '5000' });
    expect((await get(service.port, '/readyz')).status).toBe(200);

    let slowFinished = false;
    const slow = get(service.port, '/slow').then((response) => {
      slowFinished = true;
      return response;
    });
    await service.waitFor('slow request started');

    service.child.kill('SIGTERM');
    await service.waitFor('shutdown started');
    // During the pre-stop delay the listener is still open, but readiness already fails.
    const ready = await get(service.port, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body).code).toBe('shutting-down');

    // After the delay the listener closes: new connections are refused while /slow is still running.
    let refused: unknown;
    for (let i = 0; i < 40 && !refused; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      refused = await get(service.port, '/healthz').then(
        () => undefined,
        (error: unknown) => error,
      );
    }
    // Refused, or — when the connection lands in the instant the listener closes — reset: either way the
    // new connection is not served.
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain((refused as NodeJS.ErrnoException | undefined)?.code);
    expect(slowFinished).toBe(false);

    const response = await slow;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ done: true });
    expect(await service.exited).toBe(0);

    // Order matters: in-flight work finishes before adapters close, and onShutdown runs last.
    const order = ['slow request finished', 'adapter closed', 'on-shutdown ran', 'shutdown complete'];
    const positions = order.map((message) => service.messages.indexOf(message));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  }, 60_000);

  it('exits 1 when a close hook hangs past the shutdown deadline', async () => {
    const service = await startService({ HANG_ON_CLOSE: 'true', SHUTDOWN_TIMEOUT_MS: '300' });
    const started = Date.now();
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(1);
    // The hook never returns: exiting at all proves the deadline; the bound leaves room for a busy machine.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(service.messages).toContain('adapter close hangs');
    expect(service.messages).toContain('graceful shutdown timed out; exiting with 1');
    expect(service.messages).not.toContain('shutdown complete');
  }, 60_000);
});
