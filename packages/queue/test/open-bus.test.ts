import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createEvent } from '@scalegram/contracts/events';
import { openBus } from '../src/open-bus.ts';
import type { MessageBus } from '../src/port.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

async function roundTrip(bus: MessageBus): Promise<string> {
  const subject = `open.${randomUUID().replaceAll('-', '')}`;
  let deliver: (text: string) => void = () => {};
  const received = new Promise<string>((resolve) => {
    deliver = resolve;
  });
  const subscription = await bus.subscribeTransient<{ text: string }>(subject, (data) => deliver(data.text));
  await bus.publishTransient(subject, { text: 'hello' });
  const text = await received;
  await subscription.unsubscribe();
  return text;
}

describe('openBus', () => {
  it('connects to NATS when a URL is configured', async () => {
    const bus = await openBus({ url: NATS_URL, name: 'open-bus-test' });
    const other = await openBus({ url: NATS_URL, name: 'open-bus-test-2' });
    const stream = `T_OPEN_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    try {
      expect(await roundTrip(bus)).toBe('hello');
      // A second connection to the same server shares streams: what one provisions the other sees.
      await bus.ensureStream({ name: stream, subjects: [`${stream.toLowerCase()}.>`], retention: 'limits' });
      await other.publish(
        `${stream.toLowerCase()}.x`,
        createEvent({ type: 'test.x', source: '/t', subject: '1', data: {} }),
      );
      expect((await bus.streamState(stream)).messages).toBe(1);
    } finally {
      await bus.close();
      await other.close();
      const nc = await connect({ servers: NATS_URL });
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
      await nc.close();
    }
  });

  it('creates an in-process bus when no URL is configured', async () => {
    const bus = await openBus({ name: 'embedded' });
    expect(await roundTrip(bus)).toBe('hello');
    await bus.close();
  });
});
