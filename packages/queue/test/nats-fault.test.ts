// Fault test, NATS only: a PRIVATE nats-server is killed and restarted under a running consumer.
// The shared server on :4222 is never touched.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@scalegram/contracts/errors';
import { createEvent } from '@scalegram/contracts/events';
import { type PrivateNats, startPrivateNats } from '@scalegram/test-support/private-nats';
import { createNatsBus } from '../src/nats-bus.ts';
import type { Delivery, MessageBus } from '../src/port.ts';
import { waitFor } from './contract/wait.ts';

describe('NATS bus across a broker crash and restart', () => {
  let server: PrivateNats;
  let bus: MessageBus;
  const warnings: string[] = [];
  let release: () => void = () => {};

  beforeAll(async () => {
    server = await startPrivateNats();
    bus = await createNatsBus({
      servers: server.url,
      name: 'queue-fault-test',
      publishTimeoutMs: 1_000,
      reconnectTimeWaitMs: 200,
      reconnectJitterMs: 100,
      pullExpiresMs: 2_000,
      logger: { warn: (_details, message) => warnings.push(message) },
    });
  });

  afterAll(async () => {
    release(); // a failed assertion must not leave the held handler blocking the drain
    await bus?.close();
    await server?.destroy();
  });

  it('resumes consuming after a restart, keeps unacked messages, and fails publishes fast during the outage', async () => {
    await bus.ensureStream({ name: 'FAULT', subjects: ['fault.>'], retention: 'limits' });
    const got: Delivery<{ n: number }>[] = [];
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding = false;
    const consumer = await bus.consume<{ n: number }>(
      { stream: 'FAULT', durable: 'survivor', ackWaitMs: 1_000, maxDeliver: 10, concurrency: 2 },
      async (d) => {
        got.push(d);
        if (d.event.data.n === 2 && !holding) {
          holding = true;
          await held; // its first delivery is still unacked when the broker dies
        }
      },
    );
    const event = (n: number) =>
      createEvent({ type: 'test.happened', source: '/test', subject: String(n), data: { n } });
    await bus.publish('fault.created', event(1));
    await bus.publish('fault.created', event(2));
    await waitFor(() => got.length === 2);

    await server.kill();
    const started = Date.now();
    const outage = await bus.publish('fault.created', event(99)).catch((err: unknown) => err);
    expect(outage).toBeInstanceOf(UnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);

    await server.start();
    // JetStream needs a moment to recover its streams after the restart; publishes fail cleanly until then.
    await waitFor(async () => {
      try {
        await bus.publish('fault.created', event(3));
        return true;
      } catch (err) {
        if (!(err instanceof UnavailableError)) throw err;
        return false;
      }
    }, 15_000);

    // The unacked message comes back. Its delivery count may restart at 1: a killed server can lose the
    // consumer's latest delivery state (not the messages), which is one more reason consumers are idempotent.
    await waitFor(
      () => got.some((d) => d.event.data.n === 3) && got.filter((d) => d.event.data.n === 2).length >= 2,
      15_000,
    );
    release();
    await consumer.stop();
    expect(warnings).toEqual(expect.arrayContaining(['nats disconnect', 'nats reconnect']));
  });
});
